package fr.crt.hub.support;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * GreenMail's IMAP host, with each folder's UID list kept between changes.
 *
 * <p>GreenMail finds a message's sequence number by building the list of every UID of the folder
 * ({@code ImapSessionFolder.getMsn}), and a FETCH or STORE over a range does that for each message it considers: the
 * cost of one command grows with the square of the mailbox size. With the benchmark's 800 mails in the INBOX that was
 * 90 % of the test mail server's CPU and a third of the machine, time an IMAP server in service (Dovecot keeps an
 * index) does not spend and the hub was charged for. The list is cached per folder and rebuilt whenever the message
 * count or the next UID changes (an append raises the next UID, an expunge lowers the count), so every answer is the
 * one GreenMail would give.
 */
final class UidCachingImapHost {

    private UidCachingImapHost() {}

    static ImapHostManager wrap(ImapHostManager host) {
        Map<MailFolder, MailFolder> proxies = new IdentityHashMap<>();
        InvocationHandler h = (proxy, method, args) -> wrapResult(invoke(host, method, unwrap(args)), proxies);
        return (ImapHostManager) Proxy.newProxyInstance(ImapHostManager.class.getClassLoader(), new Class<?>[] {ImapHostManager.class}, h);
    }

    private static Object wrapResult(Object result, Map<MailFolder, MailFolder> proxies) {
        if (result instanceof MailFolder f) return folder(f, proxies);
        if (result instanceof Collection<?> c && !c.isEmpty() && c.iterator().next() instanceof MailFolder) {
            return c.stream().map(f -> folder((MailFolder) f, proxies)).toList();
        }
        return result;
    }

    private static MailFolder folder(MailFolder f, Map<MailFolder, MailFolder> proxies) {
        if (Proxy.isProxyClass(f.getClass())) return f;
        synchronized (proxies) {
            return proxies.computeIfAbsent(f, real -> (MailFolder) Proxy.newProxyInstance(MailFolder.class.getClassLoader(),
                    new Class<?>[] {MailFolder.class, Unwrappable.class}, new CachingFolder(real)));
        }
    }

    interface Unwrappable {
        MailFolder real();
    }

    private static final class CachingFolder implements InvocationHandler {
        private final MailFolder real;
        private long[] uids;
        private int count = -1;
        private long uidNext = -1;

        CachingFolder(MailFolder real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "real":
                    return real;
                case "equals":
                    return args[0] == proxy || args[0] == real;
                case "hashCode":
                    return System.identityHashCode(real);
                case "getMessageUids":
                    if (args == null || args.length == 0) return uids();
                    break;
                default:
                    break;
            }
            return UidCachingImapHost.invoke(real, method, unwrap(args));
        }

        private synchronized long[] uids() {
            int c = real.getMessageCount();
            long next = real.getUIDNext();
            if (uids == null || c != count || next != uidNext) {
                uids = real.getMessageUids();
                // read again after the list: a change in between makes the next call rebuild
                count = uids.length == c ? c : -1;
                uidNext = next;
            }
            return uids;
        }
    }

    private static Object[] unwrap(Object[] args) {
        if (args == null) return null;
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof Unwrappable u) out[i] = u.real();
        }
        return out;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

}
