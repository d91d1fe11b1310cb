// Types for the part of jStat (a UMD bundle without its own types) that tune uses.
declare module 'jstat' {
  const jStat: {
    readonly studentt: {
      /** the p-quantile of Student's t distribution with `dof` degrees of freedom */
      inv(p: number, dof: number): number;
    };
  };
  export default jStat;
}
