// @cascade/dns: see the package's modules.
export {};
