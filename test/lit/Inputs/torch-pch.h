// What %torch-pch precompiles: the header every test case includes.
#include <torch/torch.h>
