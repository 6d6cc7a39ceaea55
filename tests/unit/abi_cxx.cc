/* tests/unit/abi.c, compiled as C++. */
#include "tests/unit/abi.c"
