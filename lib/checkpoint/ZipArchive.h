//===- ZipArchive.h - A zip read through libzip ----------------*- C++ -*-===//
//
// Entries of a checkpoint's zip, read with a size limit each and a limit on
// all of them together (a zip can lie about sizes, and many entries under
// their limit can still decompress to gigabytes), never its storages.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_CHECKPOINT_ZIPARCHIVE_H
#define TORCH_KEYCHECK_LIB_CHECKPOINT_ZIPARCHIVE_H

#include "torch-keycheck/checkpoint/Manifest.h"

#include <zip.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace torchkc {
namespace checkpoint {

/// What all the entries read from one zip may add up to: a zip of many
/// entries each under its limit must not decompress gigabytes.
constexpr uint64_t MaxArchiveReadBytes = 256ull << 20;

class ZipArchive {
public:
  /// Opens Bytes (held by the caller for the archive's lifetime).
  explicit ZipArchive(const std::string &Bytes) {
    zip_error_t Err;
    zip_error_init(&Err);
    zip_source_t *Src =
        zip_source_buffer_create(Bytes.data(), Bytes.size(), 0, &Err);
    if (!Src)
      fail(Err);
    Z = zip_open_from_source(Src, ZIP_RDONLY | ZIP_CHECKCONS, &Err);
    if (!Z) {
      zip_source_free(Src);
      fail(Err);
    }
  }
  explicit ZipArchive(const char *Path) {
    int Code = 0;
    Z = zip_open(Path, ZIP_RDONLY | ZIP_CHECKCONS, &Code);
    if (!Z) {
      zip_error_t Err;
      zip_error_init_with_code(&Err, Code);
      fail(Err);
    }
  }
  ~ZipArchive() {
    if (Z)
      zip_discard(Z);
  }
  ZipArchive(const ZipArchive &) = delete;
  ZipArchive &operator=(const ZipArchive &) = delete;

  std::vector<std::string> names() const {
    std::vector<std::string> R;
    zip_int64_t N = zip_get_num_entries(Z, 0);
    for (zip_int64_t I = 0; I < N; ++I)
      if (const char *Name = zip_get_name(Z, I, 0))
        R.push_back(Name);
    return R;
  }

  /// The uncompressed size the directory gives for an entry, or nothing
  /// when the zip has no such entry.
  std::optional<uint64_t> entrySize(const std::string &Name) const {
    zip_stat_t St;
    zip_stat_init(&St);
    if (zip_stat(Z, Name.c_str(), 0, &St) != 0 || !(St.valid & ZIP_STAT_SIZE))
      return std::nullopt;
    return uint64_t(St.size);
  }

  /// Reads one entry, refusing more than Limit bytes whatever the
  /// directory claims, and more than TotalLimit bytes over all the reads
  /// from this archive.
  std::string read(const std::string &Name, uint64_t Limit) const {
    zip_file_t *F = zip_fopen(Z, Name.c_str(), 0);
    if (!F)
      throw CheckpointError("cannot open zip entry '" + Name +
                            "': " + zip_strerror(Z));
    std::string Out;
    char Buf[1 << 16];
    while (true) {
      zip_int64_t N = zip_fread(F, Buf, sizeof Buf);
      if (N < 0) {
        std::string Msg = zip_file_strerror(F);
        zip_fclose(F);
        throw CheckpointError("cannot read zip entry '" + Name + "': " + Msg);
      }
      if (N == 0)
        break;
      if (Out.size() + N > Limit) {
        zip_fclose(F);
        throw CheckpointError("zip entry '" + Name + "' is larger than " +
                              std::to_string(Limit >> 20) +
                              " MiB; refusing to read it");
      }
      if (TotalRead + N > TotalLimit) {
        zip_fclose(F);
        throw CheckpointError(
            "the zip entries read add up to more than " +
            std::to_string(TotalLimit >> 20) + " MiB (at '" + Name +
            "'); refusing to read more");
      }
      TotalRead += uint64_t(N);
      Out.append(Buf, size_t(N));
    }
    zip_fclose(F);
    return Out;
  }

private:
  [[noreturn]] static void fail(zip_error_t &Err) {
    std::string Msg = zip_error_strerror(&Err);
    zip_error_fini(&Err);
    throw CheckpointError("not a readable zip archive: " + Msg);
  }
  zip_t *Z = nullptr;
  mutable uint64_t TotalRead = 0;
  static constexpr uint64_t TotalLimit = MaxArchiveReadBytes;
};

} // namespace checkpoint
} // namespace torchkc

#endif
