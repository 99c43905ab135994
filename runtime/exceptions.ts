// MIPS32 exception codes (Cause.ExcCode) shared by the interpreter, the JIT and the runtime.

export const enum ExcCode {
  Int = 0,
  Mod = 1,
  TLBL = 2,
  TLBS = 3,
  AdEL = 4,
  AdES = 5,
  IBE = 6,
  DBE = 7,
  Sys = 8,
  Bp = 9,
  RI = 10,
  CpU = 11,
  Ov = 12,
  Tr = 13,
  FPE = 15,
  Watch = 23,
  MCheck = 24,
}

/** What an instruction handler tells the run loop. Hot paths return these; they never throw. */
export const enum Status {
  /** Go on to the next instruction (PC advances through the delay-slot machinery). */
  Continue = 0,
  /** An exception redirected execution: cpu.pc / cpu.npc are already set. */
  Redirected = 1,
  /** Leave the run loop; cpu.pc is the instruction to execute when it is resumed. */
  Stop = 2,
}
