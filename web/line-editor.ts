// The demo's terminal line discipline for user-mode programs, whose stdin is a pipe and not a tty:
// what a tty in canonical mode does for a person typing. Keys are echoed; Backspace erases; Enter
// sends the line with its newline; Ctrl-D sends what is typed, or on an empty line ends the input
// (end-of-file); Ctrl-C and Ctrl-U drop the line being typed.

export class LineEditor {
  private line = '';

  constructor(
    /** Shows text on the terminal (the echo). */
    private readonly echo: (text: string) => void,
    /** Gives the guest a line (or, after Ctrl-D, what was typed). */
    private readonly send: (text: string) => void,
    /** Ends the guest's input. */
    private readonly end: () => void,
  ) {}

  /** Takes keys as the terminal reports them (one key, or a pasted run of text). */
  feed(keys: string): void {
    for (const key of keys) {
      if (key === '\r' || key === '\n') {
        this.echo('\r\n');
        this.send(`${this.line}\n`);
        this.line = '';
      } else if (key === '\x7f' || key === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.echo('\b \b');
        }
      } else if (key === '\x04') {
        if (this.line === '') this.end();
        else this.send(this.line);
        this.line = '';
      } else if (key === '\x03' || key === '\x15') {
        this.echo(key === '\x03' ? '^C\r\n' : '\r\x1b[K');
        this.line = '';
      } else if (key >= ' ' || key === '\t') {
        this.line += key;
        this.echo(key);
      }
    }
  }
}
