// The Node side of bench/functions/run.py: answers each event with itself, under aws-lambda-ric.
export const echo = async (event) => event;
