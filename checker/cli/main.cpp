// SPDX-License-Identifier: MIT
/// \file (being written) the mmcheck command.
int main() { return 0; }
