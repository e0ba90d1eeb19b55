#include <bits/stdc++.h>
#include <unistd.h>
namespace __CF_NS__ {
template <class T> T& lval();
__CF_DECLS__}
