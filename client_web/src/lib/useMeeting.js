// A component's live view of one meeting through MeetingSync.
import { useEffect, useRef, useState } from 'preact/hooks';
import { announceSessionEnded } from './api.js';
import { emitMeetingMessage } from './notices.js';
import { MeetingSync, STATUS } from './sync.js';

export function useMeeting(meetingId, { onEvent, onNotice } = {}) {
  const [state, setState] = useState(null);
  const [status, setStatus] = useState(STATUS.CONNECTING);
  const [error, setError] = useState(null);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const onNoticeRef = useRef(onNotice);
  onNoticeRef.current = onNotice;

  useEffect(() => {
    if (!meetingId) return undefined;
    setState(null);
    setError(null);
    const sync = new MeetingSync(meetingId, {
      onState: setState,
      onStatus: setStatus,
      onEvent: (...args) => {
        onEventRef.current?.(...args);
        emitMeetingMessage(args[0], args[1]);
      },
      onNotice: (...args) => {
        onNoticeRef.current?.(...args);
        emitMeetingMessage(...args);
      },
      onError: (err) => {
        // A revoked device or an expired session: back to the login, not a dead screen.
        if (err?.code === 'not_authenticated') announceSessionEnded();
        else setError(err);
      },
    }).start();
    // A debugging handle: the seq numbers applied, the socket (used by the browser tests).
    globalThis.councilSync = sync;
    return () => {
      sync.stop();
      if (globalThis.councilSync === sync) globalThis.councilSync = undefined;
    };
  }, [meetingId]);

  return { state, status, error };
}
