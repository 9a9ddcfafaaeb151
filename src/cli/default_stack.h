// The default stack (stacks/notes.yaml), compiled into the binary so that `eddy serve` needs
// no file to run the notes service.
#pragma once

namespace eddy::cli {

const char* default_stack_yaml();
inline constexpr const char* kDefaultStackName = "stacks/notes.yaml (built in)";

}  // namespace eddy::cli
