/* CFuzzerDriver: declares libFuzzer's entry point so a Swift executable can hand
 * control to libFuzzer (built with -sanitize=fuzzer -DIKEHUB_FUZZING). Without that
 * flag the fuzz executables never reference it and replay files instead. */
#ifndef IKEHUB_CFUZZERDRIVER_H
#define IKEHUB_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
#endif
