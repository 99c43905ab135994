// The PIIX4's keyboard controller (an i8042 at I/O ports 0x60 and 0x64) with a PS/2 keyboard on
// its first port and a PS/2 mouse on its second, as QEMU's Malta has them, answering what Linux's
// i8042 and atkbd drivers ask at boot: the controller self-test, the command byte, the AUX
// loopback with its interrupt, the keyboard's reset, ID (0xab83), LEDs, rate and enable. Nothing
// types into them: the board's console is the serial line.
//
// Bytes for the CPU queue in one output buffer (controller replies, keyboard bytes, mouse bytes);
// the head shows in the status register (OBF, and AUXDATA for a mouse byte) and raises IRQ 1 or
// IRQ 12 when the command byte enables that interrupt.

import type { BusDevice, IrqLine } from '../devices.js';

const enum StatusBit {
  OutputFull = 0x01,
  System = 0x04,
  LastWasCommand = 0x08,
  /** The keyboard is not inhibited (the key lock). */
  Unlocked = 0x10,
  AuxData = 0x20,
}
const enum CommandByte {
  KeyboardInterrupt = 0x01,
  AuxInterrupt = 0x02,
  System = 0x04,
  KeyboardDisabled = 0x10,
  AuxDisabled = 0x20,
}
const enum Controller {
  ReadCommandByte = 0x20,
  WriteCommandByte = 0x60,
  DisableAux = 0xa7,
  EnableAux = 0xa8,
  TestAux = 0xa9,
  SelfTest = 0xaa,
  TestKeyboard = 0xab,
  DisableKeyboard = 0xad,
  EnableKeyboard = 0xae,
  ReadInputPort = 0xc0,
  ReadOutputPort = 0xd0,
  WriteOutputPort = 0xd1,
  WriteKeyboardOutput = 0xd2,
  WriteAuxOutput = 0xd3,
  WriteToAux = 0xd4,
}
const ACK = 0xfa;
const SELF_TEST_PASSED = 0xaa;

/** A PS/2 device: takes command bytes, answers through `reply`. */
class Ps2Device {
  /** The command waiting for its parameter byte, or 0. */
  private pending = 0;
  private scanSet = 2;

  constructor(
    private readonly kind: 'keyboard' | 'mouse',
    private readonly reply: (byte: number) => void,
  ) {}

  write(byte: number): void {
    if (this.pending !== 0) {
      const command = this.pending;
      this.pending = 0;
      this.reply(ACK);
      if (command === 0xf0 && this.kind === 'keyboard') {
        if (byte === 0) this.reply(this.scanSet);
        else this.scanSet = byte;
      }
      return;
    }
    switch (byte) {
      // Reset: acknowledge, pass the self-test (a mouse then sends its ID, 0).
      case 0xff:
        this.reply(ACK);
        this.reply(SELF_TEST_PASSED);
        if (this.kind === 'mouse') this.reply(0x00);
        return;
      // Identify: an MF2 keyboard (0xab 0x83), a standard mouse (0x00).
      case 0xf2:
        this.reply(ACK);
        if (this.kind === 'keyboard') {
          this.reply(0xab);
          this.reply(0x83);
        } else {
          this.reply(0x00);
        }
        return;
      case 0xee:
        this.reply(this.kind === 'keyboard' ? 0xee : ACK);
        return;
      // Mouse status request: acknowledge and three status bytes (stream mode, 100 samples/s).
      case 0xe9:
        this.reply(ACK);
        if (this.kind === 'mouse') [0x00, 0x02, 0x64].forEach((status) => this.reply(status));
        return;
      // Commands that take a parameter: LEDs (keyboard) / resolution (mouse), scan set, rate.
      case 0xed:
      case 0xe8:
      case 0xf0:
      case 0xf3:
        this.pending = byte;
        this.reply(ACK);
        return;
      default:
        this.reply(ACK);
    }
  }
}

export class I8042 {
  /** Port 0x60: data. */
  readonly data: BusDevice;
  /** Port 0x64: status (read) and commands (write). */
  readonly control: BusDevice;
  private readonly output: { byte: number; aux: boolean }[] = [];
  private commandByte = CommandByte.KeyboardInterrupt | CommandByte.AuxInterrupt | CommandByte.System;
  private status = StatusBit.Unlocked;
  /** The controller command whose parameter the next data byte is, or 0. */
  private pendingCommand = 0;
  private outputPort = 0x03;
  private readonly keyboard = new Ps2Device('keyboard', (byte) => this.queue(byte, false));
  private readonly mouse = new Ps2Device('mouse', (byte) => this.queue(byte, true));

  constructor(
    private readonly keyboardIrq: IrqLine,
    private readonly auxIrq: IrqLine,
  ) {
    this.data = {
      read: () => this.readData(),
      write: (_offset, _size, value) => this.writeData(value & 0xff),
    };
    this.control = {
      read: () => this.readStatus(),
      write: (_offset, _size, value) => this.writeCommand(value & 0xff),
    };
  }

  private readStatus(): number {
    const head = this.output[0];
    let status = this.status | (this.commandByte & CommandByte.System ? StatusBit.System : 0);
    if (head !== undefined) status |= StatusBit.OutputFull | (head.aux ? StatusBit.AuxData : 0);
    return status;
  }

  private readData(): number {
    const head = this.output.shift();
    // The line drops as the byte is taken; a next byte raises it again: an edge for the i8259.
    this.keyboardIrq(false);
    this.auxIrq(false);
    this.updateInterrupts();
    return head?.byte ?? 0;
  }

  private queue(byte: number, aux: boolean): void {
    this.output.push({ byte, aux });
    this.updateInterrupts();
  }

  private updateInterrupts(): void {
    const head = this.output[0];
    this.keyboardIrq(head !== undefined && !head.aux && (this.commandByte & CommandByte.KeyboardInterrupt) !== 0);
    this.auxIrq(head !== undefined && head.aux && (this.commandByte & CommandByte.AuxInterrupt) !== 0);
  }

  private writeCommand(command: number): void {
    this.status |= StatusBit.LastWasCommand;
    switch (command) {
      case Controller.ReadCommandByte:
        this.queue(this.commandByte, false);
        return;
      case Controller.WriteCommandByte:
      case Controller.WriteOutputPort:
      case Controller.WriteKeyboardOutput:
      case Controller.WriteAuxOutput:
      case Controller.WriteToAux:
        this.pendingCommand = command;
        return;
      case Controller.DisableAux:
        this.commandByte |= CommandByte.AuxDisabled;
        return;
      case Controller.EnableAux:
        this.commandByte &= ~CommandByte.AuxDisabled;
        return;
      case Controller.TestAux:
      case Controller.TestKeyboard:
        this.queue(0x00, false);
        return;
      case Controller.SelfTest:
        this.queue(0x55, false);
        return;
      case Controller.DisableKeyboard:
        this.commandByte |= CommandByte.KeyboardDisabled;
        return;
      case Controller.EnableKeyboard:
        this.commandByte &= ~CommandByte.KeyboardDisabled;
        return;
      case Controller.ReadInputPort:
        this.queue(0x80, false);
        return;
      case Controller.ReadOutputPort:
        this.queue(this.outputPort, false);
        return;
      default:
        // Pulses of the output port (0xf0..0xff, the reset line among them) and the rest: ignored.
        return;
    }
  }

  private writeData(byte: number): void {
    this.status &= ~StatusBit.LastWasCommand;
    const command = this.pendingCommand;
    this.pendingCommand = 0;
    switch (command) {
      case Controller.WriteCommandByte:
        this.commandByte = byte;
        this.updateInterrupts();
        return;
      case Controller.WriteOutputPort:
        this.outputPort = byte;
        return;
      case Controller.WriteKeyboardOutput:
        this.queue(byte, false);
        return;
      case Controller.WriteAuxOutput:
        this.queue(byte, true);
        return;
      case Controller.WriteToAux:
        this.mouse.write(byte);
        return;
      default:
        this.keyboard.write(byte);
    }
  }
}
