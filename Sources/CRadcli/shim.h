/* CRadcli: radcli 1.2 for the RADIUS module. radcli.h has no variadic
 * functions (checked); its enums import as structs with rawValue. */
#ifndef IKEHUB_CRADCLI_SHIM_H
#define IKEHUB_CRADCLI_SHIM_H
#include <radcli/radcli.h>
#endif
