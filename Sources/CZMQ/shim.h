/* CZMQ: libzmq 4.3 for the ZeroMQ Swift layer. zmq.h has no variadic
 * functions or function-like macros that the layer needs, so this header
 * only includes it; wrappers go here if that changes. */
#ifndef IKEHUB_CZMQ_SHIM_H
#define IKEHUB_CZMQ_SHIM_H
#include <zmq.h>
#endif
