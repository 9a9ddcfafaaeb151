// A module that fails while it loads: aws-lambda-ric reports it with POST /runtime/init/error
// and exits; Eddy answers the first invocation with that error (tests/compat/test_runtime_api.py).
throw new Error('the configuration is missing');

export const handler = async () => 'never';
