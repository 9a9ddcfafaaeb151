// The AWS SDK v2 endpoint preload (src/functions/node/aws-sdk-v2-endpoint.cjs), compiled into
// the binary so that `eddy serve` can write it next to its data wherever it runs, and hand its
// path to Node functions through NODE_OPTIONS.
#pragma once

namespace eddy::cli {

const char* aws_sdk_v2_preload_js();

}  // namespace eddy::cli
