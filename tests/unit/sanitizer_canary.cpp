// Built only in sanitizer builds: proves the sanitizers are on and stop the program. With
// `heap` it reads past a heap block (AddressSanitizer), with `overflow` it overflows a
// signed int (UndefinedBehaviorSanitizer); both tests expect the report and a failure.
#include <cstdio>
#include <cstring>
#include <memory>

int main(int argc, char** argv) {
  volatile int index = 8;
  if (argc > 1 && std::strcmp(argv[1], "heap") == 0) {
    auto block = std::make_unique<int[]>(8);
    std::printf("%d\n", block[index]);
  } else if (argc > 1 && std::strcmp(argv[1], "overflow") == 0) {
    volatile int big = 2147483647;
    std::printf("%d\n", big + index);
  }
  return 0;
}
