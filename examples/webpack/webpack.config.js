const HtmlWebpackPlugin = require('html-webpack-plugin');

// Nothing here is specific to the sandbox: webpack copies its worker and Pyodide's runtime
// into the build by itself (the library names them with `new URL('./…', import.meta.url)`).
module.exports = {
  entry: './src/index.js',
  output: { clean: true },
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
};
