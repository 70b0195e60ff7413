#include "tinyvmx_cpu.h"
