import pkg from '../../package.json';

/** The Causa version that wrote a bundle, a case or a report. */
export const CAUSA_VERSION: string = pkg.version;
