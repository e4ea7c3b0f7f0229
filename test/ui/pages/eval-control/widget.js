// The control of charts.browser.test.ts's eval trap: a script named widget.js that calls Function once.
Function('return 1')();
