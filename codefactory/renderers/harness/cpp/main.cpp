// cf-tag __CF_TAG__
#include <bits/stdc++.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "/tmp/cf_types.h"
namespace __CF_NS__ {
__CF_DECLS__inline std::string str(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    }
    else out += static_cast<char>(c);
  }
  return out + "\"";
}
inline std::string enc(bool v) { return v ? "true" : "false"; }
inline std::string enc(char c) { return str(std::string(1, c)); }
template <typename T>
std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>,
                 std::string>
enc(T v) { return "{\"int\":\"" + std::to_string(v) + "\"}"; }
inline std::string enc(double v) {
  if (std::isnan(v)) return "{\"float\":\"nan\"}";
  if (std::isinf(v)) return v > 0 ? "{\"float\":\"inf\"}" : "{\"float\":\"-inf\"}";
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", v);
  return std::string("{\"float\":\"") + buf + "\"}";
}
inline std::string enc(float v) { return enc(static_cast<double>(v)); }
inline std::string enc(long double v) { return enc(static_cast<double>(v)); }
inline std::string enc(const std::string& s) { return str(s); }
inline std::string enc(const char* s) { return str(s); }
template <typename T> std::string enc(const std::vector<T>& v);
template <typename T> std::string enc(const std::deque<T>& v);
template <typename T, size_t N> std::string enc(const std::array<T, N>& v);
template <typename T> std::string enc(const std::optional<T>& v);
template <typename K, typename V> std::string enc(const std::map<K, V>& m);
template <typename K, typename V> std::string enc(const std::unordered_map<K, V>& m);
template <typename T> std::string enc(const std::set<T>& s);
template <typename T> std::string enc(const std::unordered_set<T>& s);
template <typename A, typename B> std::string enc(const std::pair<A, B>& p);
template <typename... Ts> std::string enc(const std::tuple<Ts...>& t);
template <typename S> std::string enc_seq(const S& v) {
  std::string out = "[";
  bool first = true;
  for (const auto& x : v) {
    if (!first) out += ",";
    first = false;
    out += enc(x);
  }
  return out + "]";
}
template <typename T> std::string enc(const std::vector<T>& v) { return enc_seq(v); }
template <typename T> std::string enc(const std::deque<T>& v) { return enc_seq(v); }
template <typename T, size_t N> std::string enc(const std::array<T, N>& v) { return enc_seq(v); }
template <typename T> std::string enc(const std::optional<T>& v) {
  return v ? enc(*v) : std::string("null");
}
template <typename M> std::string enc_map(const M& m) {
  std::string out = "{\"dict\":[";
  bool first = true;
  for (const auto& kv : m) {
    if (!first) out += ",";
    first = false;
    out += "[" + enc(kv.first) + "," + enc(kv.second) + "]";
  }
  return out + "]}";
}
template <typename K, typename V> std::string enc(const std::map<K, V>& m) { return enc_map(m); }
template <typename K, typename V> std::string enc(const std::unordered_map<K, V>& m) {
  return enc_map(m);
}
template <typename S> std::string enc_set(const S& s) {
  return "{\"set\":" + enc_seq(s) + "}";
}
template <typename T> std::string enc(const std::set<T>& s) { return enc_set(s); }
template <typename T> std::string enc(const std::unordered_set<T>& s) { return enc_set(s); }
template <typename A, typename B> std::string enc(const std::pair<A, B>& p) {
  return "[" + enc(p.first) + "," + enc(p.second) + "]";
}
template <typename... Ts> std::string enc(const std::tuple<Ts...>& t) {
  std::string out = "[";
  std::apply([&out](const auto&... xs) {
    bool first = true;
    ((out += (first ? "" : ","), out += enc(xs), first = false), ...);
  }, t);
  return out + "]";
}
// Raw system calls, so that not even a patched GOT entry sits between the record and fd 3.
inline long sys3(long nr, long a, long b, long c) {
#if defined(__x86_64__)
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "0"(nr), "D"(a), "S"(b), "d"(c)
                   : "rcx", "r11", "memory");
  return ret;
#else
  return ::syscall(nr, a, b, c);
#endif
}
// cf-build compiles in which file fd 3 must be (the real stdout); a candidate that rebound it
// (dup2 in a static initializer, say) gets no records at all.
inline bool records_fd_intact() {
  struct stat st;
  if (sys3(SYS_fstat, 3, reinterpret_cast<long>(&st), 0) != 0) return false;
  return st.st_dev == CF_RECORDS_DEV && st.st_ino == CF_RECORDS_INO;
}
// The run's nonce, read from stdin before any of the candidate's static initializers runs
// (cf-build refuses a candidate with earlier ones: .preinit_array, prioritized constructors,
// .init code, ifunc resolvers). It is not in the program the candidate can read, and not in
// memory it can read either: it lives alone in a page that is readable only inside emit(), is
// never copied (writev sends it from the page), and the process is made non-dumpable, which
// closes /proc/self/mem. cf-build refuses a candidate that could undo this or run during emit():
// mprotect, prctl, raw syscalls, threads, signal handlers (docs/architecture.md §5).
alignas(4096) static char nonce[4096];
static size_t nonce_len = 0;
inline bool nonce_readable(bool on) {
  return sys3(SYS_mprotect, reinterpret_cast<long>(nonce), sizeof nonce,
              on ? PROT_READ : PROT_NONE) == 0;
}
__attribute__((constructor(101))) static void read_nonce() {
  sys3(SYS_prctl, PR_SET_DUMPABLE, 0, 0);
  while (nonce_len < 64 &&
         sys3(SYS_read, 0, reinterpret_cast<long>(nonce + nonce_len), 1) == 1 &&
         nonce[nonce_len] != '\n')
    nonce_len++;
  nonce[nonce_len] = 0;
  if (!nonce_readable(false)) nonce_len = 0;  // no protection, no records
}
inline void emit(const std::string& body) {
  static const char head[] = "\n__CF_MARKER__ ";
  std::string tail = " " + body + "\n";
  struct iovec parts[3] = {{const_cast<char*>(head), sizeof head - 1},
                           {nonce, nonce_len},
                           {tail.data(), tail.size()}};
  if (!nonce_len || !records_fd_intact() || !nonce_readable(true)) return;
  struct iovec* next = parts;
  int left = 3;
  while (left) {
    long w = sys3(SYS_writev, 3, reinterpret_cast<long>(next), left);
    if (w == -4) continue;  // EINTR
    if (w <= 0) break;
    size_t done = static_cast<size_t>(w);
    while (left && done >= next->iov_len) done -= next->iov_len, next++, left--;
    if (left) {  // a piece went out in part
      next->iov_base = static_cast<char*>(next->iov_base) + done;
      next->iov_len -= done;
    }
  }
  nonce_readable(false);
}
template <typename F> void run_case(long long id, F&& call) {
  std::string head = "{\"id\":" + std::to_string(id);
  std::string line;
  try {
    auto&& r = call();
    line = head + ",\"ok\":true,\"value\":" + enc(r) + "}";
  } catch (const std::exception& e) {
    line = head + ",\"ok\":false,\"error\":" + str(e.what()) + "}";
  } catch (...) {
    line = head + ",\"ok\":false,\"error\":\"unknown exception\"}";
  }
  emit(line);
}
}  // namespace __CF_NS__
int main() {
  if (!__CF_NS__::nonce_len) {
    fprintf(stderr, "no run nonce on stdin\n");
    return 2;
  }
  int n = 0;
__CF_CASES__  __CF_NS__::emit("DONE " + std::to_string(n));
  return 0;
}
