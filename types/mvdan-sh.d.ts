declare module 'mvdan-sh' {
	/** A position in the source: byte offset (UTF-8), 1-based line and column. */
	export interface ShPos {
		Offset(): number;
		Line(): number;
		Col(): number;
	}

	/** Any node of the syntax tree; its fields depend on its type (syntax.NodeType(node)). See mvdan/sh's syntax package. */
	export interface ShNode {
		Pos(): ShPos;
		End(): ShPos;
		[field: string]: any;
	}

	export interface ShParser {
		/** Throws a Go error (call .Error() for its text, "name:line:col: message") when `src` does not parse. */
		Parse(src: string, name: string): ShNode;
	}

	export interface ShSyntax {
		NewParser(...options: unknown[]): ShParser;
		KeepComments(keep: boolean): unknown;
		Variant(variant: unknown): unknown;
		LangBash: unknown;
		/** Calls `visit` for every node, depth first, and with null after a node's children. */
		Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
		/** "CallExpr", "Lit", "DblQuoted", ... */
		NodeType(node: ShNode): string;
	}

	const sh: {syntax: ShSyntax};
	export default sh;
}
