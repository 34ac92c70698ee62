import {
  AtSign, Bot, Box, Building2, Calendar, CalendarCheck, CalendarDays, CheckSquare, ClipboardList, Cloud, Contact,
  CreditCard, Database, FileSignature, FileText, Folder, GitBranch, GitMerge, GitPullRequest, Globe, Handshake,
  HardDrive, Headset, Inbox, Kanban, KeyRound, LayoutGrid, Mail, Megaphone, MessageSquare, MessagesSquare, Music,
  Phone, Puzzle, Send, Sheet, Sparkles, SquareKanban, Table, Ticket, Users, Video, Wallet, type LucideIcon,
} from "lucide-react";

const icons: Record<string, LucideIcon> = {
  AtSign, Bot, Box, Building2, Calendar, CalendarCheck, CalendarDays, CheckSquare, ClipboardList, Cloud, Contact,
  CreditCard, Database, FileSignature, FileText, Folder, GitBranch, GitMerge, GitPullRequest, Globe, Handshake,
  HardDrive, Headset, Inbox, Kanban, KeyRound, LayoutGrid, Mail, Megaphone, MessageSquare, MessagesSquare, Music,
  Phone, Puzzle, Send, Sheet, Sparkles, SquareKanban, Table, Ticket, Users, Video, Wallet,
};

export function ServiceIcon({ icon, color, size = 20 }: { icon?: string; color?: string; size?: number }) {
  const Icon = (icon && icons[icon]) || Puzzle;
  return (
    <span
      aria-hidden
      className="inline-flex shrink-0 items-center justify-center rounded-lg bg-slate-100"
      style={{ width: size + 16, height: size + 16, color: color ?? "#334155" }}
    >
      <Icon size={size} />
    </span>
  );
}
