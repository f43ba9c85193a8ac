// Placeholder main; replaced by the component that owns this tool.
#include <cstdio>
int main() {
  std::fputs("not implemented yet\n", stderr);
  return 1;
}
