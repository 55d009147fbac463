//===- RewriteSupport.h - Files and zips for the rewriters -----*- C++ -*-===//
//
// What the checkpoint rewriters share (Rewrite.cpp renames keys in place,
// ModuleArchive.cpp writes a module archive): the input read at offsets,
// the output written beside its name and renamed at the end, zip
// directories read and written, pickle opcodes.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_CHECKPOINT_REWRITESUPPORT_H
#define TORCH_KEYCHECK_LIB_CHECKPOINT_REWRITESUPPORT_H

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checkpoint/Rewrite.h"
#include "torch-keycheck/support/Files.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace torchkc {
namespace checkpoint {

[[noreturn]] inline void fail(const std::string &Path, const std::string &Why) {
  throw CheckpointError(Path + ": " + Why);
}

/// The input, read at offsets; never written.
class InputFile {
public:
  explicit InputFile(const std::string &Path) : Path(Path) {
    if (std::string Problem = regularFileProblem(Path); !Problem.empty())
      fail(Path, Problem);
    Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat St;
    if (Fd < 0 || ::fstat(Fd, &St) != 0)
      fail(Path, std::strerror(errno));
    Size = uint64_t(St.st_size);
    Dev = St.st_dev;
    Ino = St.st_ino;
  }
  ~InputFile() {
    if (Fd >= 0)
      ::close(Fd);
  }
  std::string read(uint64_t Offset, uint64_t N) const {
    if (Offset > Size || N > Size - Offset)
      fail(Path, "the file ends before byte " + std::to_string(Offset + N) +
                     " (truncated?)");
    std::string R(N, '\0');
    for (uint64_t Done = 0; Done < N;) {
      ssize_t Got = ::pread(Fd, R.data() + Done, N - Done, off_t(Offset + Done));
      if (Got <= 0)
        fail(Path, Got < 0 ? std::strerror(errno) : "the file shrank");
      Done += uint64_t(Got);
    }
    return R;
  }
  std::string Path;
  int Fd = -1;
  uint64_t Size = 0;
  dev_t Dev = 0;
  ino_t Ino = 0;
};

/// The output: a temporary file beside Path, renamed to Path by commit();
/// removed if the rewrite stops before.
class OutputFile {
public:
  OutputFile(const std::string &Path, const InputFile &In) : Path(Path) {
    struct stat St;
    if (::stat(Path.c_str(), &St) == 0 && St.st_dev == In.Dev &&
        St.st_ino == In.Ino)
      fail(Path, "is the input: migrate never writes in place");
    Temp = Path + ".tmp-XXXXXX";
    Fd = ::mkstemp(Temp.data());
    if (Fd < 0)
      fail(Path, std::string("cannot create a file beside it: ") +
                     std::strerror(errno));
  }
  ~OutputFile() {
    if (Fd >= 0)
      ::close(Fd);
    if (!Committed)
      ::unlink(Temp.c_str());
  }
  void write(const void *Data, size_t N) {
    const char *P = static_cast<const char *>(Data);
    while (N) {
      ssize_t Put = ::write(Fd, P, N);
      if (Put < 0 && errno == EINTR)
        continue;
      if (Put <= 0)
        fail(Path, std::string("cannot write: ") + std::strerror(errno));
      P += Put;
      N -= size_t(Put);
      Pos += uint64_t(Put);
    }
  }
  void write(const std::string &S) { write(S.data(), S.size()); }
  /// N bytes of In from Offset, through a bounded buffer.
  void copy(const InputFile &In, uint64_t Offset, uint64_t N) {
    if (Offset > In.Size || N > In.Size - Offset)
      fail(In.Path, "the file ends before byte " +
                        std::to_string(Offset + N) + " (truncated?)");
    std::vector<char> Buf(size_t(1) << 20);
    while (N) {
      size_t Chunk = size_t(std::min<uint64_t>(N, Buf.size()));
      ssize_t Got = ::pread(In.Fd, Buf.data(), Chunk, off_t(Offset));
      if (Got <= 0)
        fail(In.Path, Got < 0 ? std::strerror(errno) : "the file shrank");
      write(Buf.data(), size_t(Got));
      Offset += uint64_t(Got);
      N -= uint64_t(Got);
    }
  }
  void commit() {
    if (::fsync(Fd) != 0 || ::close(Fd) != 0) {
      Fd = -1;
      fail(Path, std::string("cannot write: ") + std::strerror(errno));
    }
    Fd = -1;
    if (::rename(Temp.c_str(), Path.c_str()) != 0)
      fail(Path, std::string("cannot write: ") + std::strerror(errno));
    Committed = true;
  }
  std::string Path, Temp;
  int Fd = -1;
  uint64_t Pos = 0;
  bool Committed = false;
};

uint64_t le(const std::string &S, size_t At, int Bytes);
void putLe(std::string &S, uint64_t V, int Bytes);

struct ZipEntry {
  std::string Name;
  uint16_t MadeBy = 0, Flags = 0, Method = 0, Time = 0, Date = 0,
           InternalAttr = 0;
  uint32_t Crc = 0, ExternalAttr = 0;
  uint64_t CompressedSize = 0, Size = 0, LocalOffset = 0;
  uint64_t DataOffset = 0; ///< where its (compressed) bytes start
};

constexpr uint64_t MaxEntries = 1'000'000;
/// What our JSON manifest may be, as its reader allows.
constexpr uint64_t MaxManifestBytes = 64ull << 20;
constexpr uint64_t MaxDirectoryBytes = 256ull << 20;

/// The central directory, read as any zip reader reads it (zip64 too),
/// every entry's data located through its local header.
std::vector<ZipEntry> readDirectory(const InputFile &In);
/// An entry's bytes, inflated when deflated, at most Limit of them.
std::string readEntry(const InputFile &In, const ZipEntry &E, uint64_t Limit);
/// Writes the entries, each entry's data where Data says (new bytes for
/// a rewritten one, else its bytes copied from the input: an entry made
/// here for a range of the input gives its offset as DataOffset, Method 0
/// and its CRC), every data 64-byte aligned as torch's writer aligns them.
void writeZip(const InputFile &In, OutputFile &Out,
              std::vector<ZipEntry> Entries,
              const std::map<std::string, std::string> &NewData,
              RewriteResult &Result);

/// The names a rewrite gives, checked as the keys come: no two keys get
/// one name, and every key R names is found.
class NewNames {
public:
  NewNames(const std::string &Path, const KeyRewrite &R, RewriteResult &Result)
      : Path(Path), R(R), Result(Result) {}
  /// The stored key's new name (its own when R does not rename it), or
  /// nothing when R drops it.
  std::optional<std::string> of(const std::string &Stored) {
    Seen.insert(Stored);
    if (R.Drop.count(Stored)) {
      ++Result.Dropped;
      return std::nullopt;
    }
    std::string Name = Stored;
    if (auto It = R.Rename.find(Stored); It != R.Rename.end()) {
      Name = It->second;
      ++Result.Renamed;
    }
    if (!Final.insert(Name).second)
      fail(Path, "two keys would be named '" + Name + "'");
    return Name;
  }
  /// After the last key.
  void finish() const {
    for (const auto &[From, To] : R.Rename)
      if (!Seen.count(From))
        fail(Path, "has no key '" + From + "' to rename");
    for (const std::string &Key : R.Drop)
      if (!Seen.count(Key))
        fail(Path, "has no key '" + Key + "' to drop");
  }
  /// How many keys were seen.
  size_t seen() const { return Seen.size(); }

private:
  const std::string &Path;
  const KeyRewrite &R;
  RewriteResult &Result;
  std::set<std::string> Seen, Final;
};

/// A safetensors file's header, checked as its reference reader checks
/// it; DataStart gets where the tensors' bytes begin.
nlohmann::ordered_json readSafetensorsHeader(const InputFile &In,
                                             uint64_t &DataStart);

/// An integer opcode holding V (BININT1, BININT2, BININT or LONG1).
std::string intOpcode(int64_t V);
/// A unicode string opcode (BINUNICODE) holding S.
std::string unicodeOpcode(const std::string &S);

} // namespace checkpoint
} // namespace torchkc

#endif
