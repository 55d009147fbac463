// Without --class, check also judges each torch::load(model, "path") in the
// sources: the checkpoint the literal names (resolved against this file's
// directory) against the model as constructed in the same function, reported
// at the torch::load line with notes at the cause and the construction.
// RUN: rm -rf %t && mkdir -p %t/runs
// RUN: cp %S/../../../examples/classifier/model.h %S/../../../examples/classifier/classifier.pt %t/
// RUN: cp %s %t/main.cpp
// RUN: cd %t && %expect-exit 1 %torch-keycheck check main.cpp --checks='torch-checkpoint-*' -- %libtorch \
// RUN:   | FileCheck %s --implicit-check-not='{{error|warning|remark}}:'
// A checkpoint root other than the file's directory.
// RUN: cp %t/classifier.pt %t/runs/latest.pt
// RUN: cd %t && %expect-exit 0 %torch-keycheck check main.cpp --checks='torch-checkpoint-*' --checkpoint-root %t/runs -- %libtorch \
// RUN:   | FileCheck %s --check-prefix=ROOT
#include "model.h"

#include <fstream>
#include <iterator>

// Loading helpers of the project's own: calls with a path literal are load
// sites too.
void load_weights(example::Classifier &model, const std::string &path) {
  torch::load(model, path);
}

// A helper that knows its checkpoint, the model a parameter: its calls are
// load sites (the model's construction is the caller's).
void restore(example::Classifier &model) { torch::load(model, "classifier.pt"); }

// A Python state_dict read by hand (torch::pickle_load) and copied by name.
void load_python_weights(torch::nn::Module &model, const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  auto dict = torch::pickle_load(bytes).toGenericDict();
  torch::NoGradGuard no_grad;
  for (auto &p : model.named_parameters())
    p.value().copy_(dict.at(p.key()).toTensor());
}

int main() {
  // The configuration the checkpoint was saved with: clean.
  example::Classifier plain;
  torch::load(plain, "classifier.pt");

  example::Classifier with_aux(10, 16, true);
  torch::load(with_aux, "classifier.pt");
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'with_aux': 'aux' (Linear) is not in the checkpoint: 'aux.weight' and 'aux.bias' are missing (registered when 'use_aux_head') [torch-checkpoint-missing-key]
  // CHECK: model.h:58:13: note: the difference comes from here
  // CHECK: main.cpp:[[@LINE-4]]:23: note: 'with_aux' is constructed here with num_classes=10, use_aux_head=true, width=16

  auto wide = std::make_shared<example::ClassifierImpl>(10, 32);
  torch::load(wide, "classifier.pt");
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'wide': 'example::ClassifierImpl' is built with width=32, but the checkpoint's sizes are those of width=16: 28 tensors differ in shape
  // CHECK: main.cpp:[[@LINE-3]]:8: note: 'wide' is constructed here with num_classes=10, width=32

  // The archive form.
  example::Classifier from_archive(10, 16, true);
  torch::serialize::InputArchive archive;
  archive.load_from("classifier.pt");
  from_archive->load(archive);
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'from_archive': 'aux' (Linear) is not in the checkpoint
  // CHECK: main.cpp:[[@LINE-5]]:23: note: 'from_archive' is constructed here with num_classes=10, use_aux_head=true, width=16

  example::Classifier through_helper(10, 16, true);
  load_weights(through_helper, "classifier.pt");
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'through_helper': 'aux' (Linear) is not in the checkpoint
  example::Classifier python_side(10, 16, true);
  load_python_weights(*python_side, "classifier.pt");
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'python_side': 'aux' (Linear) is not in the checkpoint

  example::Classifier restored(10, 16, true);
  restore(restored);
  // CHECK: main.cpp:[[@LINE-1]]:3: error: 'classifier.pt' into 'restored': 'aux' (Linear) is not in the checkpoint
  // CHECK: main.cpp:[[@LINE-3]]:23: note: 'restored' is constructed here with num_classes=10, use_aux_head=true, width=16

  example::Classifier later;
  torch::load(later, "latest.pt");
  // CHECK: main.cpp:[[@LINE-1]]:3: remark: 'latest.pt' is not checked: there is no {{.*}}latest.pt (relative paths are resolved against the calling file's directory, or --checkpoint-root)
  // With the root, the other literals resolve there and are not found;
  // latest.pt is, and loads cleanly.
  // ROOT: remark: 'classifier.pt' is not checked: there is no {{.*}}runs/classifier.pt
  // ROOT-NOT: 'latest.pt' is not checked
}
