//===- Files.cpp - Opening input files without blocking -------------------===//
#include "torch-keycheck/support/Files.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchkc {

namespace {

std::string typeProblem(mode_t Mode) {
  if (S_ISREG(Mode))
    return {};
  const char *What = S_ISDIR(Mode)    ? "a directory"
                     : S_ISFIFO(Mode) ? "a FIFO"
                     : S_ISCHR(Mode)  ? "a character device"
                     : S_ISBLK(Mode)  ? "a block device"
                     : S_ISSOCK(Mode) ? "a socket"
                                      : "of an unknown type";
  return std::string("not a regular file (") + What + ")";
}

std::string errnoText(int Err) {
  if (Err == ENOENT)
    return "no such file";
  return std::strerror(Err);
}

} // namespace

std::string regularFileProblem(const std::string &Path) {
  if (Path.find('\0') != std::string::npos)
    return "a file name with a NUL byte";
  struct stat St;
  if (::stat(Path.c_str(), &St) != 0)
    return errnoText(errno);
  return typeProblem(St.st_mode);
}

std::string readRegularFile(const std::string &Path, uint64_t Limit,
                            uint64_t *FullSize) {
  std::string Problem = regularFileProblem(Path);
  if (!Problem.empty())
    throw FileError(Problem);
  // Non-blocking, in case the path was swapped for a FIFO since the stat.
  int Fd = ::open(Path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (Fd < 0)
    throw FileError("cannot open: " + errnoText(errno));
  struct stat St;
  if (::fstat(Fd, &St) != 0 || !typeProblem(St.st_mode).empty()) {
    std::string Why = typeProblem(St.st_mode);
    ::close(Fd);
    throw FileError(Why.empty() ? "cannot stat the open file" : Why);
  }
  uint64_t Size = uint64_t(St.st_size);
  if (FullSize)
    *FullSize = Size;
  std::string Bytes;
  Bytes.resize(size_t(std::min(Size, Limit)));
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N = ::read(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      int Err = errno;
      ::close(Fd);
      throw FileError(N == 0 ? "the file shrank while it was read"
                             : "cannot read: " + errnoText(Err));
    }
    Done += size_t(N);
  }
  ::close(Fd);
  return Bytes;
}

} // namespace torchkc
