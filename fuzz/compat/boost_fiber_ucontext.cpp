// SPDX-License-Identifier: MIT
// The `fuzz` preset builds Boost.Context's fibers on ucontext with BOOST_USE_ASAN, so every
// fiber switch is announced to AddressSanitizer (__sanitizer_start/finish_switch_fiber in
// boost/context/fiber_ucontext.hpp); without that, an exception thrown on a model thread's
// stack makes ASan report false stack errors. Debian's libboost_context is built for fcontext
// and lacks the one out-of-line function the ucontext fibers declare: which activation record
// runs on this thread. This is it: a per-thread pointer, starting at a record for the thread's
// own stack. Linked into the fuzz binaries only.
#include <boost/context/fiber.hpp>

namespace boost::context::detail {

fiber_activation_record*& fiber_activation_record::current() noexcept {
    // The thread's own context, created on first use and kept for the thread's lifetime.
    thread_local fiber_activation_record* current_record = nullptr;
    if (current_record == nullptr) current_record = new fiber_activation_record();
    return current_record;
}

}  // namespace boost::context::detail
