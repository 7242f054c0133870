/**
 * The shop the demo starts with: checkout, whose revision 3 (shop/checkout:1.8.0) went out a few
 * minutes before the incident, and healthy cart (with an autoscaler) and payments.
 */
import {badImage, day, minute, type DeploymentSpec} from './cluster-model.js';

/** The deployments as they are at `t`, when the simulation starts. */
export function shopDeployments(t: number): DeploymentSpec[] {
	return [
		{
			name: 'checkout',
			createdAt: t - 143 * day,
			replicas: 4,
			revisions: [
				{image: 'shop/checkout:1.7.2', createdAt: t - 21 * day, changeCause: 'ci: deploy shop/checkout:1.7.2 (pipeline 4411)'},
				{image: 'shop/checkout:1.7.4', createdAt: t - 6 * day, changeCause: 'ci: deploy shop/checkout:1.7.4 (pipeline 4597)'},
				{image: badImage, createdAt: t - 7 * minute, changeCause: 'ci: deploy shop/checkout:1.8.0 (pipeline 4630)'},
			],
			// The rollout of revision 3 finished a few minutes ago: pods a few seconds apart.
			podAge: i => t - 7 * minute + 40_000 + i * 9000,
		},
		{
			name: 'cart',
			createdAt: t - 143 * day,
			replicas: 3,
			revisions: [
				{image: 'shop/cart:2.3.1', createdAt: t - 30 * day, changeCause: 'ci: deploy shop/cart:2.3.1 (pipeline 4302)'},
				{image: 'shop/cart:2.4.0', createdAt: t - 9 * day, changeCause: 'ci: deploy shop/cart:2.4.0 (pipeline 4552)'},
			],
			podAge: i => t - 9 * day + i * 11_000,
			autoscaler: {name: 'cart', min: 3, max: 8},
		},
		{
			name: 'payments',
			createdAt: t - 210 * day,
			replicas: 2,
			revisions: [
				{image: 'shop/payments:3.2.0', createdAt: t - 40 * day, changeCause: 'ci: deploy shop/payments:3.2.0 (pipeline 4120)'},
				{image: 'shop/payments:3.2.1', createdAt: t - 12 * day, changeCause: 'ci: deploy shop/payments:3.2.1 (pipeline 4480)'},
			],
			podAge: i => t - 12 * day + i * 14_000,
		},
	];
}
