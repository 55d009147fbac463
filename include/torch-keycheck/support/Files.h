//===- Files.h - Opening input files without blocking ----------*- C++ -*-===//
//
// Inputs named by a user or by a repository's files (checkpoints, shards,
// goldens, project and configurations files, compile databases) are read
// only when they are regular files: a FIFO would block the reader forever,
// a device could be endless, a directory is not an input. The file is
// checked by stat() before it is opened, opened without blocking, and
// checked again through the descriptor.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_SUPPORT_FILES_H
#define TORCH_KEYCHECK_SUPPORT_FILES_H

#include <cstdint>
#include <stdexcept>
#include <string>

namespace torchkc {

/// Why a file could not be read; the message does not repeat the path.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Empty when Path is a regular file; otherwise why it cannot be an input
/// ("no such file", "not a regular file (a FIFO)", ...). Never opens it.
std::string regularFileProblem(const std::string &Path);

/// Up to Limit bytes from the start of the regular file at Path; FullSize,
/// when given, gets its size. Throws FileError.
std::string readRegularFile(const std::string &Path, uint64_t Limit,
                            uint64_t *FullSize = nullptr);

} // namespace torchkc

#endif
