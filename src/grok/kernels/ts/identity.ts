/**
 * The identity of the TypeScript kernels for stage keys. The code closure of a stage already hashes these
 * files; the version number is bumped by hand whenever the numbers they produce change on purpose.
 */
export const TS_KERNELS_IDENTITY = 'kernels-ts/1';
