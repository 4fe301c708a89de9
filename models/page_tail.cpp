// SPDX-License-Identifier: MIT
/// \file (being written) model of brief page_tail.
