/*
 * A stand-in for Jitsi's external_api.js, for the browser tests (no internet).
 *
 * The test nginx serves this file at https://<JITSI_DOMAIN>/external_api.js, so
 * the real @jitsi/react-sdk loads it exactly as it would load Jitsi's. It
 * implements the part of JitsiMeetExternalAPI the SPA uses and records what it
 * was given in window.__jitsiStub, for the tests to read:
 *
 *   window.__jitsiStub = {
 *     instances: [{ domain, roomName, jwt, displayName, configOverwrite,
 *                   interfaceConfigOverwrite, commands: [[name, ...args]],
 *                   events: [names emitted], disposed }],
 *     last: <the newest instance record>,
 *   }
 *
 * Behaviour, like a Jitsi room in the modes vsession uses:
 * - Without a jwt (public Jitsi) the room may be locked: the stub first emits
 *   'passwordRequired' when window.__jitsiStubOptions.lockedWith is set, and
 *   joins only once executeCommand('password', thatValue) arrives. Otherwise
 *   it emits 'videoConferenceJoined' after a short delay.
 * - 'participantRoleChanged' {role:'moderator'} follows the join when
 *   window.__jitsiStubOptions.moderator is true.
 * - executeCommand('hangup') and the placeholder's "Hang up" button emit
 *   'videoConferenceLeft' and then 'readyToClose'.
 * - window.__jitsiStubOptions.mode picks a broken room for the tests of what
 *   the SPA says when the video does not work: 'never' never joins (a network
 *   that swallows the connection), 'fail' emits a fatal 'errorOccurred'
 *   (Jitsi's connection error) instead of joining. 'cameraDenied' joins, then
 *   emits 'cameraError' {type:'camera.permissionDenied'} as Jitsi does when
 *   the browser refuses the camera.
 * It renders a visible placeholder (an iframe-like box) in parentNode.
 */
(function () {
  'use strict';

  var store = (window.__jitsiStub = window.__jitsiStub || { instances: [], last: null });

  function JitsiMeetExternalAPI(domain, options) {
    if (!(this instanceof JitsiMeetExternalAPI)) throw new TypeError('use new');
    options = options || {};
    var self = this;
    var opts = window.__jitsiStubOptions || {};
    this._listeners = {};
    this._record = {
      domain: domain,
      roomName: options.roomName,
      jwt: options.jwt === undefined ? null : options.jwt,
      displayName: options.userInfo && options.userInfo.displayName,
      configOverwrite: options.configOverwrite || {},
      interfaceConfigOverwrite: options.interfaceConfigOverwrite || {},
      commands: [],
      events: [],
      joined: false,
      disposed: false,
    };
    store.instances.push(this._record);
    store.last = this._record;

    this._iframe = document.createElement('iframe');
    this._iframe.title = 'Video meeting (test stand-in)';
    this._iframe.name = 'jitsiConferenceFrame0';
    this._iframe.style.cssText = 'display:none';

    var box = document.createElement('div');
    box.setAttribute('data-testid', 'jitsi-stub');
    box.style.cssText =
      'height:100%;min-height:240px;display:flex;flex-direction:column;align-items:center;justify-content:center;' +
      'gap:12px;background:#1f2937;color:#f9fafb;font:16px system-ui,sans-serif;text-align:center;padding:16px;box-sizing:border-box';
    var title = document.createElement('p');
    title.style.cssText = 'margin:0;font-size:20px;font-weight:700';
    title.textContent = 'Jitsi stand-in';
    var info = document.createElement('p');
    info.style.cssText = 'margin:0;word-break:break-all';
    info.setAttribute('data-testid', 'jitsi-stub-info');
    info.textContent = (options.userInfo && options.userInfo.displayName ? options.userInfo.displayName : 'Someone') +
      ' in room ' + (options.roomName || '(none)');
    var state = document.createElement('p');
    state.style.cssText = 'margin:0;color:#c4b5fd';
    state.setAttribute('data-testid', 'jitsi-stub-state');
    state.textContent = 'Connecting…';
    var hangup = document.createElement('button');
    hangup.type = 'button';
    hangup.textContent = 'Hang up';
    hangup.style.cssText = 'font:inherit;padding:8px 16px;border-radius:8px;border:0;background:#b91c1c;color:#fff;cursor:pointer';
    hangup.addEventListener('click', function () {
      self.executeCommand('hangup');
    });
    box.appendChild(title);
    box.appendChild(info);
    box.appendChild(state);
    box.appendChild(hangup);
    box.appendChild(this._iframe);
    this._box = box;
    this._state = state;
    var parent = options.parentNode || document.body;
    parent.appendChild(box);

    this._lockedWith = opts.lockedWith || null;
    setTimeout(function () {
      if (self._record.disposed) return;
      if (opts.mode === 'never') {
        self._state.textContent = 'Connecting… (never connects)';
        return;
      }
      if (opts.mode === 'fail') {
        self._state.textContent = 'Connection failed';
        self._emit('errorOccurred', {
          error: { name: 'conference.connectionError.otherError', message: 'Connection failed', isFatal: true, type: 'CONFIG' },
        });
        return;
      }
      if (!self._record.jwt && self._lockedWith) {
        self._state.textContent = 'Waiting for the room password…';
        self._emit('passwordRequired', {});
      } else {
        self._join();
      }
    }, opts.delayMs == null ? 150 : opts.delayMs);
  }

  JitsiMeetExternalAPI.prototype._emit = function (name, data) {
    this._record.events.push(name);
    var list = (this._listeners[name] || []).slice();
    for (var i = 0; i < list.length; i++) {
      try {
        list[i](data);
      } catch (e) {
        setTimeout(function () {
          throw e;
        });
      }
    }
  };

  JitsiMeetExternalAPI.prototype._join = function () {
    if (this._record.joined || this._record.disposed) return;
    this._record.joined = true;
    this._state.textContent = 'In the meeting';
    this._emit('videoConferenceJoined', {
      roomName: this._record.roomName,
      id: 'stub' + store.instances.length,
      displayName: this._record.displayName,
    });
    if ((window.__jitsiStubOptions || {}).moderator) {
      this._emit('participantRoleChanged', { id: 'stub' + store.instances.length, role: 'moderator' });
    }
    if ((window.__jitsiStubOptions || {}).mode === 'cameraDenied') {
      this._emit('cameraError', { type: 'camera.permissionDenied', message: 'NotAllowedError: Permission denied' });
    }
  };

  JitsiMeetExternalAPI.prototype.addListener = function (name, fn) {
    (this._listeners[name] = this._listeners[name] || []).push(fn);
    return this;
  };
  JitsiMeetExternalAPI.prototype.on = JitsiMeetExternalAPI.prototype.addListener;
  JitsiMeetExternalAPI.prototype.addEventListener = JitsiMeetExternalAPI.prototype.addListener;
  JitsiMeetExternalAPI.prototype.addEventListeners = function (map) {
    for (var k in map) if (Object.prototype.hasOwnProperty.call(map, k)) this.addListener(k, map[k]);
  };
  JitsiMeetExternalAPI.prototype.removeListener = function (name, fn) {
    var list = this._listeners[name] || [];
    var i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
    return this;
  };
  JitsiMeetExternalAPI.prototype.off = JitsiMeetExternalAPI.prototype.removeListener;
  JitsiMeetExternalAPI.prototype.removeEventListener = JitsiMeetExternalAPI.prototype.removeListener;

  JitsiMeetExternalAPI.prototype.executeCommand = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    this._record.commands.push([name].concat(args));
    if (name === 'password') {
      if (this._record.joined) {
        this._lockedWith = args[0];
      } else if (!this._lockedWith || args[0] === this._lockedWith) {
        this._join();
      } else {
        this._emit('passwordRequired', {});
      }
    } else if (name === 'hangup') {
      var self = this;
      this._state.textContent = 'Left';
      setTimeout(function () {
        self._emit('videoConferenceLeft', { roomName: self._record.roomName });
        self._emit('readyToClose', {});
      }, 20);
    }
  };
  JitsiMeetExternalAPI.prototype.executeCommands = function (map) {
    for (var k in map) if (Object.prototype.hasOwnProperty.call(map, k)) this.executeCommand.apply(this, [k].concat(map[k]));
  };

  JitsiMeetExternalAPI.prototype.getIFrame = function () {
    return this._iframe;
  };
  JitsiMeetExternalAPI.prototype.getRoomsInfo = function () {
    return Promise.resolve({ rooms: [] });
  };
  JitsiMeetExternalAPI.prototype.getParticipantsInfo = function () {
    return [];
  };
  JitsiMeetExternalAPI.prototype.isAudioMuted = function () {
    return Promise.resolve(false);
  };
  JitsiMeetExternalAPI.prototype.isVideoMuted = function () {
    return Promise.resolve(false);
  };
  JitsiMeetExternalAPI.prototype.dispose = function () {
    if (this._record.disposed) return;
    this._record.disposed = true;
    if (this._box && this._box.parentNode) this._box.parentNode.removeChild(this._box);
    this._listeners = {};
  };

  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
})();
