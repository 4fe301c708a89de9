// SPDX-License-Identifier: MIT
/// \file (being written) model of brief gup_pin.
