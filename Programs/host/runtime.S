/*
 * TinyVMX host runtime: a tiny freestanding "kernel" for system-mode test programs.
 *
 * Include it first:   #include "../host/runtime.S"
 * then define test_main (a normal function; the runtime calls it at CPL 0 with IF=0 and
 * halts with `cli; hlt` when it returns, keeping the registers test_main left).
 *
 * Layout, calling conventions and the log formats are described in Programs/host/README.md.
 * Comments use C style only: this file goes through the C preprocessor, and a `#` comment line
 * whose first word is a directive name would be taken as a directive.
 *
 * The pieces, in the order they are assembled (one object, so they share symbols and macros):
 */
#include "runtime/constants.h"
#include "runtime/extable.h"
#include "runtime/boot.S"
#include "runtime/paging.S"
#include "runtime/user.S"
#include "runtime/exceptions.S"
#include "runtime/nmi.S"
#include "runtime/oops.S"
#include "runtime/lib.S"
#include "runtime/data.S"
