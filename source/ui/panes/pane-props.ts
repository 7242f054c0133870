export interface PaneProps {
	width: number;
	height: number;
	focused: boolean;
}
