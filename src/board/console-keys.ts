// The serial console's escape keys, as QEMU's `-nographic` console has them: Ctrl-A starts a
// command (x quits, h lists the keys, s prints statistics, Ctrl-A sends a Ctrl-A to the
// guest); every other byte goes to the guest. Pure: the terminal glue lives in the CLI.

export const ESCAPE = 0x01;

export type ConsoleAction = 'quit' | 'help' | 'stats';

export const CONSOLE_HELP = [
  'C-a h    print this help',
  'C-a x    exit emulator',
  'C-a s    print guest statistics (instructions, MIPS, compiled share)',
  'C-a C-a  sends C-a',
].join('\r\n');

export class ConsoleKeys {
  private escaped = false;

  /** Splits typed bytes into what the guest receives and the commands the host acts on, in order. */
  feed(bytes: Uint8Array): { toGuest: Uint8Array; actions: ConsoleAction[] } {
    const toGuest: number[] = [];
    const actions: ConsoleAction[] = [];
    for (const byte of bytes) {
      if (!this.escaped) {
        if (byte === ESCAPE) this.escaped = true;
        else toGuest.push(byte);
        continue;
      }
      this.escaped = false;
      switch (byte) {
        case ESCAPE:
          toGuest.push(ESCAPE);
          break;
        case 0x78: // x
        case 0x58:
          actions.push('quit');
          break;
        case 0x68: // h
        case 0x48:
        case 0x3f: // ?
          actions.push('help');
          break;
        case 0x73: // s
          actions.push('stats');
          break;
        default:
          // Unknown commands are dropped, as QEMU does.
          break;
      }
    }
    return { toGuest: Uint8Array.from(toGuest), actions };
  }
}
