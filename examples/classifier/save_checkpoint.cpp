// Writes the example's bundled checkpoints with LibTorch's own torch::save,
// from the model in model.h: `save_checkpoint <dir>`.
#include "model.h"

#include <iostream>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: save_checkpoint <output-dir>\n";
    return 2;
  }
  std::string dir = argv[1];
  torch::manual_seed(0);
  torch::save(example::Classifier(), dir + "/classifier.pt");
  torch::save(example::Classifier(10, 16, /*use_aux_head=*/true),
              dir + "/classifier-aux.pt");
  std::cout << "wrote " << dir << "/classifier.pt and classifier-aux.pt\n";
  return 0;
}
