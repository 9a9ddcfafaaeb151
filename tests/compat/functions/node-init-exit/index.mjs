// A module that exits while it loads, before it reports anything to the Runtime API (a missing
// native library, a process.exit in a config loader): Eddy answers the invocation with
// Runtime.ExitError, as Lambda does (tests/compat/test_runtime_api.py).
console.error('giving up before the first invocation');
process.exit(2);

export const handler = async () => 'never';
