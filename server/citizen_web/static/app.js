/* The citizens' phone pages: hash-routed views over the /api/v1/citizen API. No framework, no build step. */
"use strict";
(function () {
  var API = "/api/v1/citizen";
  var VIEWS = ["halls", "home", "book", "booked", "mine", "ticket", "progress", "remote"];
  var POLL_MS = 4000;
  var UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
  var state = { hall: null, captcha: null, slot: null, ticket: null, timer: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)gh_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  // Hall-local (China time, UTC+8) wall time of an ISO moment, whatever the phone's own zone.
  function local(iso) { return new Date(new Date(iso).getTime() + 8 * 3600e3).toISOString(); }
  function hhmm(iso) { return local(iso).substring(11, 16); }
  function slotText(start, end) { return local(start).substring(0, 10) + " " + hhmm(start) + "–" + hhmm(end); }
  var WEEK = ["日", "一", "二", "三", "四", "五", "六"];
  function dayText(day) {
    var d = new Date(day + "T00:00:00Z");
    return (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 星期" + WEEK[d.getUTCDay()];
  }

  function showError(message) {
    var box = $("error");
    box.textContent = message || "";
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "nearest" });
  }

  function call(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = csrf();
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var err = (data && data.error) || {};
          var e = new Error(err.message || "服务暂时不可用，请稍后再试");
          e.code = err.code || "http_" + r.status;
          throw e;
        }
        return data;
      });
    }, function () { throw new Error("网络连接失败，请检查网络后重试"); });
  }

  function show(view) {
    VIEWS.forEach(function (v) { $("view-" + v).hidden = v !== view; });
    document.body.setAttribute("data-view", view);
    showError("");
  }

  // ---- large type -------------------------------------------------------------------------------------
  function applyLarge(on) {
    document.documentElement.classList.toggle("large", on);
    $("large-toggle").setAttribute("aria-pressed", on ? "true" : "false");
    $("large-toggle").textContent = on ? "标准字" : "大字";
  }
  function setupLarge() {
    var on = false;
    try { on = localStorage.getItem("govhall.large") === "1"; } catch (e) { /* private mode */ }
    applyLarge(on);
    $("large-toggle").addEventListener("click", function () {
      var now = !document.documentElement.classList.contains("large");
      try { localStorage.setItem("govhall.large", now ? "1" : "0"); } catch (e) { /* private mode */ }
      applyLarge(now);
    });
  }

  // ---- hall --------------------------------------------------------------------------------------------
  function hallCode() {
    var m = location.search.match(/[?&]hall=([^&]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return localStorage.getItem("govhall.hall"); } catch (e) { return null; }
  }

  function loadHalls() {
    show("halls");
    call("GET", "/api/v1/halls").then(function (halls) {
      var list = $("hall-list");
      list.textContent = "";
      halls.forEach(function (h) {
        var li = el("li"), a = el("a", h.name);
        a.href = "/m/?hall=" + encodeURIComponent(h.code);
        li.appendChild(a);
        list.appendChild(li);
      });
    }).catch(function (e) { showError(e.message); });
  }

  function loadHall(code) {
    return call("GET", API + "/halls/" + encodeURIComponent(code)).then(function (hall) {
      state.hall = hall;
      try { localStorage.setItem("govhall.hall", hall.code); } catch (e) { /* private mode */ }
      $("hall-name").textContent = hall.name;
      document.title = hall.name;
      $("hall-address").textContent = hall.address ? "地址：" + hall.address : "";
      var list = $("business-list"), select = $("book-business"), days = $("book-day"), notice = $("notice");
      list.textContent = ""; select.textContent = ""; $("remote-business").textContent = ""; days.textContent = ""; notice.textContent = "";
      hall.businesses.forEach(function (b) {
        list.appendChild(el("li", b.prefix + "  " + b.name));
        var o = el("option", b.name); o.value = b.id; select.appendChild(o);
        $("remote-business").appendChild(o.cloneNode(true));
      });
      hall.days.forEach(function (d) { var o = el("option", dayText(d)); o.value = d; days.appendChild(o); });
      hall.notice.forEach(function (line) { notice.appendChild(el("li", line)); });
      return hall;
    });
  }

  // ---- booking -----------------------------------------------------------------------------------------
  function loadCaptcha() {
    $("book-captcha").value = "";
    return call("GET", API + "/captcha").then(function (c) {
      state.captcha = c;
      $("captcha-question").textContent = c.question;
    }).catch(function (e) { showError(e.message); });
  }

  function loadSlots() {
    var business = $("book-business").value, day = $("book-day").value, box = $("slot-list");
    state.slot = null;
    box.textContent = "";
    if (!business || !day) return;
    call("GET", "/api/v1/queue/businesses/" + business + "/slots?day=" + day).then(function (slots) {
      box.textContent = "";
      $("slot-empty").hidden = slots.length > 0;
      slots.forEach(function (s) {
        var left = s.capacity - s.booked;
        var late = new Date(s.start) < new Date(state.hall.earliest);  // too soon to book (the hall's lead time)
        var b = el("button", hhmm(s.start) + (late ? "（已截止）" : left > 0 ? "（余" + left + "）" : "（满）"));
        b.type = "button";
        b.disabled = left <= 0 || late;
        b.setAttribute("aria-pressed", "false");
        b.setAttribute("data-start", s.start);
        b.addEventListener("click", function () {
          Array.prototype.forEach.call(box.children, function (c) { c.setAttribute("aria-pressed", "false"); });
          b.setAttribute("aria-pressed", "true");
          state.slot = s;
        });
        box.appendChild(b);
      });
    }).catch(function (e) { showError(e.message); });
  }

  function submitBooking(ev) {
    ev.preventDefault();
    if (!state.slot) { showError("请选择预约时段"); return; }
    var id = $("book-id").value.trim().toUpperCase(), name = $("book-name").value.trim();
    if (!id || !name) { showError("请填写身份证号码和姓名"); return; }
    if (!$("book-captcha").value.trim()) { showError("请填写验证码"); return; }
    var button = $("book-submit");
    button.disabled = true;
    call("POST", API + "/bookings", {
      business_id: Number($("book-business").value), slot_start: state.slot.start, id_number: id, name: name,
      phone: $("book-phone").value.trim(), captcha_token: state.captcha ? state.captcha.token : "",
      captcha_answer: $("book-captcha").value.trim()
    }).then(function (booked) {
      $("booked-name").textContent = booked.appointment.masked_name;  // masked: the page may be left open
      $("booked-business").textContent = booked.business;
      $("booked-slot").textContent = slotText(booked.appointment.slot_start, booked.appointment.slot_end);
      $("booked-code").textContent = booked.booking_code;
      $("booked-qr").src = booked.qr_svg;
      $("booked-qr").setAttribute("data-payload", booked.qr_payload);
      $("mine-id").value = id;
      $("mine-code").value = booked.booking_code;
      location.hash = "#booked";
    }).catch(function (e) {
      showError(e.message);
      loadCaptcha();
      if (e.code !== "captcha_wrong") loadSlots();
    }).then(function () { button.disabled = false; });
  }

  // ---- my bookings -------------------------------------------------------------------------------------
  var STATES = { booked: "已预约", cancelled: "已取消", checked_in: "已取号", late: "迟到取号", no_show: "已过期" };
  function person() { return { id_number: $("mine-id").value.trim().toUpperCase(), booking_code: $("mine-code").value.trim() }; }

  function searchMine(ev) {
    if (ev) ev.preventDefault();
    var who = person();
    if (!who.id_number || !who.booking_code) { showError("请填写身份证号码和预约码"); return; }
    call("POST", API + "/bookings/search", who).then(function (rows) {
      var list = $("mine-list"), names = {};
      (state.hall ? state.hall.businesses : []).forEach(function (b) { names[b.id] = b.name; });
      list.textContent = "";
      $("mine-empty").hidden = rows.length > 0;
      rows.forEach(function (a) {
        var li = el("li");
        li.setAttribute("data-id", a.id);
        li.appendChild(el("div", names[a.business_id] || "预约业务", "strong"));
        li.appendChild(el("div", slotText(a.slot_start, a.slot_end)));
        if (a.masked_name) li.appendChild(el("div", "预约人：" + a.masked_name, "muted name"));
        li.appendChild(el("div", "状态：" + (STATES[a.state] || a.state), "muted state"));
        if (a.ticket_id) {  // checked in at the dispenser: its ticket's place in the queue
          var follow = el("a", "我的排队", "button small follow");
          follow.href = "/m/q/" + encodeURIComponent(a.ticket_id);
          li.appendChild(follow);
        }
        if (a.state === "booked") {
          var b = el("button", "取消预约", "small cancel");
          b.type = "button";
          b.addEventListener("click", function () {
            if (!window.confirm("确定取消该预约吗？")) return;
            call("POST", API + "/bookings/" + encodeURIComponent(a.id) + "/cancel", person())
              .then(function () { searchMine(); })
              .catch(function (e) { showError(e.message); });
          });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
    }).catch(function (e) { showError(e.message); });
  }

  // ---- my ticket ---------------------------------------------------------------------------------------
  function followTicket(id) {
    state.ticket = id;
    if (state.timer) clearTimeout(state.timer);
    pollTicket();
  }

  function pollTicket() {
    var id = state.ticket;
    if (!id) return;
    call("POST", API + "/ticket", { ticket_id: id }).then(function (t) {
      if (id !== state.ticket) return;
      showError("");
      $("ticket-form").hidden = true;
      $("phone-ticket-form").hidden = true;
      $("ticket-card").hidden = false;
      $("ticket-number").textContent = t.display;
      $("ticket-business").textContent = t.business;
      var called = t.state === "called" || t.state === "serving";
      $("ticket-called").hidden = !called;
      var named = t.window_name && t.window_name.replace(/\s/g, "") !== t.window_number + "号窗口";
      $("ticket-called").textContent = called ? "请到 " + t.window_number + " 号窗口" + (named ? "（" + t.window_name + "）" : "") : "";
      var waiting = t.state === "waiting";
      $("ticket-near").hidden = !(waiting && t.near);
      $("ticket-near").textContent = "即将叫到您的号，请到窗口附近等候";
      $("ticket-ahead").textContent = waiting ? (t.people_ahead === null ? "暂无窗口办理该业务" : "前面还有 " + t.people_ahead + " 人") : "";
      $("ticket-wait").textContent = waiting && t.wait_minutes !== null ? (t.wait_minutes < 1 ? "预计等候不足 1 分钟" : "预计等候约 " + t.wait_minutes + " 分钟") : "";
      var STATE_TEXT = { waiting: "排队中", called: "已叫号", serving: "办理中", held: "暂挂", finished: "已办结",
        no_show: "过号", cancelled: "已取消" };
      $("ticket-state").textContent = "状态：" + (STATE_TEXT[t.state] || t.state);
      var over = t.state === "finished" || t.state === "cancelled" || t.state === "no_show";
      if (!over) state.timer = setTimeout(pollTicket, POLL_MS);
    }).catch(function (e) {
      showError(e.message);
      if (e.code === "ticket_not_found") { state.ticket = null; $("ticket-form").hidden = false; $("phone-ticket-form").hidden = false; }
      else state.timer = setTimeout(pollTicket, POLL_MS * 2);
    });
  }

  function submitTicket(ev) {
    ev.preventDefault();
    var m = $("ticket-id").value.match(UUID);
    if (!m) { showError("请输入号票上二维码的内容"); return; }
    followTicket(m[0].toLowerCase());
  }

  function submitPhoneTicket(ev) {
    ev.preventDefault();
    var number = $("phone-ticket-number").value.replace(/\s/g, "").toUpperCase();
    var phone = $("phone-ticket-phone").value.trim();
    if (!number || !phone) { showError("请填写号票号码和手机号码"); return; }
    if (!state.hall) { showError("请先选择大厅"); return; }
    var button = $("phone-ticket-submit");
    button.disabled = true;
    call("POST", API + "/ticket/by-phone", { hall_code: state.hall.code, number: number, phone: phone })
      .then(function (t) { location.href = t.follow_url; })
      .catch(function (e) { showError(e.message); button.disabled = false; });
  }

  // ---- case progress ---------------------------------------------------------------------------------
  var CASE_STATUS = { received: "已收件", pre_accepted: "预受理", correction_requested: "待补正材料",
    not_accepted: "不予受理", in_review: "审批中", special_procedure: "特别程序", decided_granted: "准予许可",
    decided_refused: "不予许可", licence_made: "已制证", licence_issued: "已发证", closed: "已办结",
    delivered: "已送达", withdrawn: "已撤回", terminated: "已终止" };
  var STAGE_MARK = { done: "（已完成）", current: "（当前环节）", todo: "" };

  function submitProgress(ev) {
    ev.preventDefault();
    var number = $("progress-number").value.trim(), code = $("progress-code").value.trim();
    if (!number || !code) { showError("请填写办件编号和查询码"); return; }
    $("progress-card").hidden = true;
    call("POST", API + "/progress", { case_number: number, code: code }).then(function (p) {
      $("progress-case").textContent = p.case_number;
      $("progress-item").textContent = p.item;
      $("progress-applicant").textContent = p.applicant + "（" + p.applicant_id + "）";
      $("progress-status").textContent = CASE_STATUS[p.status] || p.status;
      var list = $("progress-stages");
      list.textContent = "";
      p.stages.forEach(function (s) { list.appendChild(el("li", s.name + STAGE_MARK[s.state], s.state)); });
      $("progress-card").hidden = false;
      showRating(p, number, code);
    }).catch(function (e) { showError(e.message); });
  }

  // ---- 一事一评: rating a finished case -----------------------------------------------------------------
  var LEVELS = [["very_satisfied", "非常满意"], ["satisfied", "满意"], ["basically_satisfied", "基本满意"],
    ["dissatisfied", "不满意"], ["very_dissatisfied", "非常不满意"]];
  var LEVEL_TEXT = {};
  LEVELS.forEach(function (l) { LEVEL_TEXT[l[0]] = l[1]; });
  function isBad(level) { return level === "dissatisfied" || level === "very_dissatisfied"; }

  function showRating(p, number, code) {
    state.rating = { number: number, code: code, level: null };
    var done = $("rate-done"), form = $("rate-form");
    $("rate-card").hidden = !(p.rateable || p.rating);
    done.hidden = !p.rating;
    done.textContent = p.rating ? "您已评价：" + (LEVEL_TEXT[p.rating] || p.rating) + "。感谢您的评价！" : "";
    form.hidden = !p.rateable;
    $("rate-why").hidden = true;
    $("rate-reason").value = "";
    var box = $("rate-levels");
    box.textContent = "";
    LEVELS.forEach(function (l) {
      var b = el("button", l[1]);
      b.type = "button";
      b.setAttribute("aria-pressed", "false");
      b.dataset.level = l[0];
      b.addEventListener("click", function () {
        Array.prototype.forEach.call(box.children, function (c) { c.setAttribute("aria-pressed", "false"); });
        b.setAttribute("aria-pressed", "true");
        state.rating.level = l[0];
        $("rate-why").hidden = !isBad(l[0]);
      });
      box.appendChild(b);
    });
  }

  function submitRating(ev) {
    ev.preventDefault();
    var r = state.rating, reason = $("rate-reason").value.trim();
    if (!r || !r.level) { showError("请选择一个评价等级"); return; }
    if (isBad(r.level) && !reason) { showError("请填写不满意的原因"); return; }
    var button = $("rate-submit");
    button.disabled = true;
    call("POST", API + "/progress/rating", { case_number: r.number, code: r.code, level: r.level, reason: reason })
      .then(function (out) {
        $("rate-form").hidden = true;
        $("rate-done").hidden = false;
        $("rate-done").textContent = "您已评价：" + LEVEL_TEXT[out.rating] + "。感谢您的评价！" +
          (out.rectification_opened ? "我们将在1个工作日内与您联系核实，并反馈整改情况。" : "");
      }).catch(function (e) { showError(e.message); }).then(function () { button.disabled = false; });
  }

  // ---- remote 取号 near the hall -----------------------------------------------------------------------
  var GEO_ERRORS = { 1: "您未允许获取位置，无法到厅取号；请在浏览器设置中允许定位", 2: "暂时无法获取您的位置，请稍后重试",
    3: "获取位置超时，请稍后重试" };

  // Browsers give a position only to a secure context (HTTPS; plain http only on the phone itself), so over
  // plain http the position is unavailable whatever the citizen allows: say so, instead of a denied permission.
  function secureContext() { return window.isSecureContext === true; }

  function showRemote() {
    var secure = secureContext();
    $("remote-insecure").hidden = secure;
    $("remote-submit").disabled = !secure;
  }

  function submitRemote(ev) {
    ev.preventDefault();
    if (!secureContext()) { showRemote(); showError($("remote-insecure").textContent); return; }
    var id = $("remote-id").value.trim().toUpperCase();
    if (!id) { showError("请填写身份证号码"); return; }
    if (!navigator.geolocation) { showError("您的浏览器不支持定位，请到取号机取号"); return; }
    var button = $("remote-submit");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      call("POST", API + "/remote-ticket", {
        hall_code: state.hall.code, business_id: Number($("remote-business").value), id_number: id,
        latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracy_m: pos.coords.accuracy || 0
      }).then(function (t) { location.href = t.follow_url; })
        .catch(function (e) { showError(e.message); button.disabled = false; });
    }, function (err) {
      showError(GEO_ERRORS[err.code] || GEO_ERRORS[2]);
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  }

  // ---- routing -----------------------------------------------------------------------------------------
  function route() {
    var view = (location.hash || "#home").substring(1);
    if (VIEWS.indexOf(view) < 0 || view === "halls") view = "home";
    if (view === "booked" && !$("booked-code").textContent) view = "book";
    show(view);
    if (view === "book") { loadCaptcha(); loadSlots(); }
    if (view === "remote") showRemote();
    if (view !== "ticket" && state.timer) { clearTimeout(state.timer); state.timer = null; }
    if (view === "ticket" && state.ticket) pollTicket();
  }

  function start() {
    setupLarge();
    $("book-business").addEventListener("change", loadSlots);
    $("book-day").addEventListener("change", loadSlots);
    $("captcha-refresh").addEventListener("click", loadCaptcha);
    $("book-form").addEventListener("submit", submitBooking);
    $("mine-form").addEventListener("submit", searchMine);
    $("ticket-form").addEventListener("submit", submitTicket);
    $("phone-ticket-form").addEventListener("submit", submitPhoneTicket);
    $("progress-form").addEventListener("submit", submitProgress);
    $("rate-form").addEventListener("submit", submitRating);
    $("remote-form").addEventListener("submit", submitRemote);
    window.addEventListener("hashchange", route);
    var follow = location.pathname.match(/^\/m\/q\/([^/]+)/);
    if (follow) {  // the ticket's QR code: straight to its place in the queue
      show("ticket");
      $("phone-ticket-form").hidden = true;
      $("hall-name").textContent = "我的排队";
      followTicket(decodeURIComponent(follow[1]));
      return;
    }
    var code = hallCode();
    if (!code) { loadHalls(); return; }
    loadHall(code).then(route).catch(function (e) {
      if (e.code === "hall_not_found") { try { localStorage.removeItem("govhall.hall"); } catch (x) { /* */ } loadHalls(); }
      showError(e.message);
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
