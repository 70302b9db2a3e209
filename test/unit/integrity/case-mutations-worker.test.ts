// The mutation suite of the case file again, with every source's leaves hashed on the worker thread
// (store/seal-leaves.ts) that verification uses from PARALLEL_FROM records on: each tampering must be found
// and located the same way on both paths.
process.env.CAUSA_SEAL_PARALLEL_FROM = '0';
await import('./case-mutations.test');
export {};
