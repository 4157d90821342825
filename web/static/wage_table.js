// 编制详情: the wage table recalculates as the compiler types, exactly, in fen (integers: money
// is never a float here). 应发 = 出勤天数 × 日工资 unless the 应发 was typed over; 实发 = 应发 − 扣款;
// the totals follow. Each line shows the server's own live checks (their messages come from
// domain/payroll/lines.py LIVE_CHECKS through data-messages); the server recomputes and checks
// everything again on save, and stays the authority.
(function () {
  "use strict";
  var table = document.getElementById("wage-table");
  if (!table || table.dataset.editable !== "1") { return; }
  var messages = JSON.parse(table.dataset.messages || "{}");
  var WARNINGS = { ATTENDANCE_WITHOUT_PAY: true };
  var AMOUNTS = ["day_rate", "gross", "deductions", "net"];

  // As the server's parse_amount reads it: full-width forms, a leading ¥, thousands commas.
  // "" → null; anything else unreadable → NaN; else whole fen.
  function toFen(text) {
    var t = String(text || "").normalize("NFKC").trim().replace(/^[¥￥]/, "").replace(/,/g, "").trim();
    if (t === "") { return null; }
    var m = /^(\d{1,10})(?:\.(\d{1,2})0*)?$/.exec(t);
    if (!m) { return NaN; }
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }

  function yuan(fen) {
    var sign = fen < 0 ? "-" : "", abs = Math.abs(fen), cents = String(abs % 100);
    return sign + String((abs - abs % 100) / 100) + "." + (cents.length < 2 ? "0" + cents : cents);
  }

  function fmt(code, values) {
    return (messages[code] || code).replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function inputs(row) {
    var found = {};
    row.querySelectorAll("input[data-field]").forEach(function (input) {
      found[input.dataset.field] = input;
    });
    return found;
  }

  function values(row) {
    var cells = inputs(row), out = {};
    AMOUNTS.forEach(function (f) { out[f] = cells[f] ? toFen(cells[f].value) : null; });
    if (out.deductions === null) { out.deductions = 0; } // an empty deduction is saved as 0
    out.reason = cells.deduction_reason ? cells.deduction_reason.value.trim() : "";
    out.days = parseInt(row.dataset.days || "0", 10);
    return out;
  }

  // The same checks, in the same order, as lines._check_amounts / _check_arithmetic /
  // _check_attendance_and_minimum for the codes the server lists as live.
  function findings(v, cells) {
    var out = [], ok = true;
    AMOUNTS.forEach(function (f) {
      if (v[f] === null && f !== "day_rate") { out.push(["AMOUNT_MISSING", {}, f]); ok = false; }
      else if (v[f] !== null && isNaN(v[f])) {
        out.push(["AMOUNT_INVALID", { value: cells[f] ? cells[f].value.trim() : "" }, f]);
        ok = false;
      }
    });
    if (!ok) { return out; }
    if (v.net > v.gross) {
      out.push(["NET_ABOVE_GROSS", { net: yuan(v.net), gross: yuan(v.gross) }, "net"]);
    } else if (v.net !== v.gross - v.deductions) {
      out.push(["NET_MISMATCH", { want: yuan(v.gross - v.deductions) }, "net"]);
    }
    if (v.deductions > 0 && !v.reason) { out.push(["DEDUCTION_REASON_REQUIRED", {}, "deduction_reason"]); }
    if (v.days > 0 && v.net === 0) { out.push(["ATTENDANCE_WITHOUT_PAY", { days: v.days }, "net"]); }
    return out;
  }

  function showChecks(row) {
    var cells = inputs(row), box = row.querySelector("td.checks"), found = findings(values(row), cells);
    box.querySelectorAll("small[data-code]").forEach(function (el) {
      if (messages[el.dataset.code]) { el.remove(); } // the live ones are recomputed below
    });
    Object.keys(cells).forEach(function (f) { cells[f].classList.remove("live-error"); });
    found.forEach(function (item) {
      var el = document.createElement("small"), warning = WARNINGS[item[0]];
      el.className = warning ? "muted" : "warning";
      el.dataset.code = item[0];
      el.dataset.live = "1";
      el.textContent = fmt(item[0], item[1]);
      box.insertBefore(el, box.firstChild);
      if (!warning && cells[item[2]]) { cells[item[2]].classList.add("live-error"); }
    });
    row.classList.toggle("has-error", found.some(function (item) { return !WARNINGS[item[0]]; }));
  }

  function showTotals() {
    var sums = { count: 0, gross: 0, deductions: 0, net: 0 };
    table.querySelectorAll("tr.wage-line").forEach(function (row) {
      var v = values(row);
      sums.count += 1;
      ["gross", "deductions", "net"].forEach(function (f) {
        if (v[f] !== null && !isNaN(v[f])) { sums[f] += v[f]; }
      });
    });
    document.getElementById("total-count").textContent = String(sums.count);
    ["gross", "deductions", "net"].forEach(function (f) {
      document.getElementById("total-" + f).textContent = yuan(sums[f]);
    });
  }

  // A gross differs from days × rate only when the compiler typed it: that one stays.
  function grossTypedOver(row) {
    var v = values(row);
    return v.gross !== null && v.day_rate !== null && !isNaN(v.gross) && !isNaN(v.day_rate) &&
      v.gross !== v.day_rate * v.days;
  }

  table.querySelectorAll("tr.wage-line").forEach(function (row) {
    row.dataset.grossTyped = grossTypedOver(row) ? "1" : "0";
  });

  table.addEventListener("input", function (event) {
    var input = event.target, row = input.closest("tr.wage-line");
    if (!row || !input.dataset.field) { return; }
    var cells = inputs(row), field = input.dataset.field, v = values(row);
    if (field === "gross") { row.dataset.grossTyped = grossTypedOver(row) ? "1" : "0"; }
    if (field === "day_rate" && row.dataset.grossTyped !== "1" && v.day_rate !== null && !isNaN(v.day_rate)) {
      cells.gross.value = yuan(v.day_rate * v.days);
    }
    if (field === "day_rate" || field === "gross" || field === "deductions") {
      v = values(row);
      if (v.gross !== null && !isNaN(v.gross) && !isNaN(v.deductions)) {
        cells.net.value = yuan(v.gross - v.deductions);
      }
    }
    showChecks(row);
    showTotals();
  });

  table.querySelectorAll("tr.wage-line").forEach(showChecks);
})();
