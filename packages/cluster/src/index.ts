// @cascade/cluster: running cascade beyond one machine over NATS.
export {};
