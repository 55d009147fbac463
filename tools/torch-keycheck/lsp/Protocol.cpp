//===- Protocol.cpp - What the language server speaks ---------------------===//
#include "Protocol.h"


#include <cctype>
#include <cstring>

namespace torchkc {
namespace lsp {

namespace {

/// One header line without its line break; false at the end of input or
/// when the line is longer than any header the protocol has.
bool readHeaderLine(std::FILE *In, std::string &Line, bool &AtEnd) {
  Line.clear();
  AtEnd = false;
  for (int C; (C = std::fgetc(In)) != EOF;) {
    if (C == '\n') {
      if (!Line.empty() && Line.back() == '\r')
        Line.pop_back();
      return true;
    }
    if (Line.size() >= 4096)
      return false;
    Line.push_back(char(C));
  }
  AtEnd = Line.empty();
  return false;
}

bool startsWithNoCase(const std::string &S, const char *Prefix) {
  size_t N = std::strlen(Prefix);
  if (S.size() < N)
    return false;
  for (size_t I = 0; I < N; ++I)
    if (std::tolower(static_cast<unsigned char>(S[I])) !=
        std::tolower(static_cast<unsigned char>(Prefix[I])))
      return false;
  return true;
}

} // namespace

Transport::Read Transport::read(std::string &Body, std::string &Error) {
  std::optional<size_t> Length;
  std::string Line;
  for (unsigned Headers = 0;; ++Headers) {
    bool AtEnd = false;
    if (!readHeaderLine(In, Line, AtEnd)) {
      if (AtEnd && Headers == 0)
        return Read::End;
      Error = AtEnd ? "the input ended inside a message's headers"
                    : "a header line longer than 4096 bytes";
      return Read::Broken;
    }
    if (Line.empty()) {
      if (Headers == 0)
        continue; // stray blank lines between messages
      break;
    }
    if (Headers >= 32) {
      Error = "more than 32 header lines in a message";
      return Read::Broken;
    }
    if (startsWithNoCase(Line, "content-length:")) {
      std::string Value = Line.substr(std::strlen("content-length:"));
      size_t B = Value.find_first_not_of(" \t");
      size_t E = Value.find_last_not_of(" \t");
      Value = B == std::string::npos ? "" : Value.substr(B, E - B + 1);
      if (Value.empty() || Value.size() > 12 ||
          Value.find_first_not_of("0123456789") != std::string::npos) {
        Error = "Content-Length '" + Value + "' is not a byte count";
        return Read::Broken;
      }
      Length = std::stoull(Value);
    } else if (!startsWithNoCase(Line, "content-type:")) {
      Error = "'" + Line.substr(0, 80) + "' is not a header of the protocol";
      return Read::Broken;
    }
  }
  if (!Length) {
    Error = "a message without Content-Length";
    return Read::Broken;
  }
  if (*Length > MaxBody) {
    Error = "a message of " + std::to_string(*Length) +
            " bytes, over the limit of " + std::to_string(MaxBody);
    return Read::Broken;
  }
  Body.resize(*Length);
  size_t Got = Length ? std::fread(Body.data(), 1, *Length, In) : 0;
  if (Got != *Length) {
    Error = "the input ended inside a message's body (" + std::to_string(Got) +
            " of " + std::to_string(*Length) + " bytes)";
    return Read::Broken;
  }
  return Read::Message;
}

void Transport::send(const nlohmann::json &Message) {
  // Invalid UTF-8 from a source file is replaced, not thrown.
  std::string Body = Message.dump(-1, ' ', false,
                                  nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> Lock(Writing);
  std::fprintf(Out, "Content-Length: %zu\r\n\r\n", Body.size());
  std::fwrite(Body.data(), 1, Body.size(), Out);
  std::fflush(Out);
}

std::optional<std::string> pathOfUri(const std::string &Uri) {
  const char *Scheme = "file://";
  if (Uri.compare(0, std::strlen(Scheme), Scheme) != 0)
    return std::nullopt;
  std::string Rest = Uri.substr(std::strlen(Scheme));
  // An authority other than the local host is another machine's file.
  size_t Slash = Rest.find('/');
  if (Slash == std::string::npos)
    return std::nullopt;
  std::string Authority = Rest.substr(0, Slash);
  if (!Authority.empty() && Authority != "localhost")
    return std::nullopt;
  Rest = Rest.substr(Slash);
  std::string Path;
  for (size_t I = 0; I < Rest.size(); ++I) {
    if (Rest[I] == '%' && I + 2 < Rest.size() &&
        std::isxdigit(static_cast<unsigned char>(Rest[I + 1])) &&
        std::isxdigit(static_cast<unsigned char>(Rest[I + 2]))) {
      Path.push_back(char(std::stoi(Rest.substr(I + 1, 2), nullptr, 16)));
      I += 2;
    } else if (Rest[I] == '?' || Rest[I] == '#') {
      break;
    } else {
      Path.push_back(Rest[I]);
    }
  }
  if (Path.find('\0') != std::string::npos)
    return std::nullopt;
  return Path;
}

std::string uriOfPath(const std::string &Path) {
  static const char Hex[] = "0123456789ABCDEF";
  std::string Uri = "file://";
  for (unsigned char C : Path) {
    if (std::isalnum(C) || std::strchr("/-._~", C)) {
      Uri.push_back(char(C));
    } else {
      Uri.push_back('%');
      Uri.push_back(Hex[C >> 4]);
      Uri.push_back(Hex[C & 15]);
    }
  }
  return Uri;
}

namespace {

/// The byte offset where line Line starts, or Text.size() past the end.
size_t lineStart(const std::string &Text, int64_t Line) {
  size_t Offset = 0;
  for (int64_t L = 0; L < Line; ++L) {
    size_t NL = Text.find('\n', Offset);
    if (NL == std::string::npos)
      return Text.size();
    Offset = NL + 1;
  }
  return Offset;
}

/// The length of the UTF-8 sequence that starts with byte C (1 for a
/// byte that cannot start one: it stands for itself).
size_t sequenceLength(unsigned char C) {
  if (C >= 0xF0 && C < 0xF8)
    return 4;
  if (C >= 0xE0)
    return C < 0xF0 ? 3 : 1;
  if (C >= 0xC0)
    return 2;
  return 1;
}

} // namespace

size_t offsetOf(const std::string &Text, int64_t Line, int64_t Character,
                Encoding Enc) {
  if (Line < 0)
    return 0;
  size_t Offset = lineStart(Text, Line);
  size_t End = Text.find('\n', Offset);
  if (End == std::string::npos)
    End = Text.size();
  if (End > Offset && Text[End - 1] == '\r')
    --End;
  if (Enc == Encoding::UTF8)
    return Offset + std::min<size_t>(size_t(std::max<int64_t>(Character, 0)),
                                     End - Offset);
  int64_t Units = 0;
  while (Offset < End && Units < Character) {
    size_t N = std::min(sequenceLength(Text[Offset]), End - Offset);
    Units += N == 4 ? 2 : 1;
    Offset += N;
  }
  return Offset;
}

int64_t characterOf(const std::string &Text, int64_t Line, size_t Column,
                    Encoding Enc) {
  if (Enc == Encoding::UTF8)
    return int64_t(Column);
  size_t Start = lineStart(Text, Line);
  size_t LineEnd = Text.find('\n', Start);
  if (LineEnd == std::string::npos)
    LineEnd = Text.size();
  size_t End = std::min(LineEnd, Start + Column);
  int64_t Units = 0;
  for (size_t Offset = Start; Offset < End;) {
    size_t N = sequenceLength(Text[Offset]);
    Units += N == 4 ? 2 : 1;
    Offset += N;
  }
  // Columns past the line (a finding in a file changed since) count as
  // bytes.
  return Units + int64_t(Start + Column - End);
}

std::string lineOf(const std::string &Text, int64_t Line) {
  size_t Start = lineStart(Text, Line);
  if (Start >= Text.size())
    return "";
  size_t End = Text.find('\n', Start);
  std::string L =
      Text.substr(Start, End == std::string::npos ? End : End - Start);
  if (!L.empty() && L.back() == '\r')
    L.pop_back();
  return L;
}

} // namespace lsp
} // namespace torchkc
