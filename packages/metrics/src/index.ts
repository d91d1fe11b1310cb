// @cascade/metrics: see the package's modules.
export {};
