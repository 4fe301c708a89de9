// SPDX-License-Identifier: MIT
/// \file (being written) model of brief zap_mkclean.
