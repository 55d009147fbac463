// The translation unit torch-keycheck analyses for the oracle: every model
// the driver builds, in the same headers.
#include "models/basic.h"
#include "models/builtins.h"
#include "models/structure.h"
#include "models/control.h"
#include "models/holders.h"
#include "models/jsonconfig.h"
#include "models/options.h"
#include "models/regressions.h"
#include "models/tables.h"
#include "models/arith.h"
#include "models/functions.h"
#include "models/callables.h"
