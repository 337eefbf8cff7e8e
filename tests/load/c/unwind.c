/* Calls back into the caller: not a tail call, so this frame is on the
   stack when the callback panics, and unwinding must pass through it. */
int elfin_call_back(int (*f)(int)) { return f(1) + 1; }
