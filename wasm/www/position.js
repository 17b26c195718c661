// Positions in pfhir's issues are 1-based lines and columns, columns counting Unicode code
// points; lines end at \n, \r\n or a lone \r, and a byte order mark does not count on line 1.
// Text areas index UTF-16 code units. This converts one to the other.

/**
 * The UTF-16 index in `text` of a 1-based `line` and `column` (in code points). A position
 * past the end of its line is the end of the line; past the end of the text, its end.
 * @param {string} text
 * @param {number} line
 * @param {number} column
 * @returns {number}
 */
export function indexOfPosition(text, line, column) {
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (let l = 1; l < line; l++) {
    while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
    if (i >= text.length) return text.length;
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
  }
  for (let c = 1; c < column; c++) {
    if (i >= text.length || text[i] === "\n" || text[i] === "\r") break;
    const unit = text.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length &&
      text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    i += pair ? 2 : 1;
  }
  return i;
}

/**
 * The line and column (1-based, numbered as pfhir numbers them) of an issue, or null.
 * @param {import("../pkg/index.js").OperationOutcomeIssue} issue
 * @returns {{line: number, column: number} | null}
 */
export function positionOf(issue) {
  const find = (suffix) => issue.extension?.find((e) => e.url.endsWith(suffix))?.valueInteger;
  const line = find("operationoutcome-issue-line");
  const column = find("operationoutcome-issue-col");
  return line && column ? { line, column } : null;
}
