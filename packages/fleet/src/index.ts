// @cascade/fleet: see the package's modules.
export {};
