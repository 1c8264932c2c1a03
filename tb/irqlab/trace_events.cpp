#include "trace_events.hpp"

#include "json_text.hpp"
#include "source_info.hpp"

namespace irqlab::run::trace_events {

namespace {
double us(uint64_t ps) {
  return ps / 1e6;
}
}  // namespace

std::string slice(unsigned cpu, const std::string& name, uint64_t a_ps, uint64_t b_ps,
                  const std::string& args) {
  JsonText t;
  t.key("args").raw(args).key("dur").real(us(b_ps - a_ps)).key("name").str(name).key("ph").str("X");
  return t.key("pid").num(1).key("tid").num(cpu).key("ts").real(us(a_ps)).done();
}

std::string irql(unsigned cpu, uint8_t level, uint64_t t_ps) {
  JsonText t;
  t.key("args").raw("{\"IRQL\":" + std::to_string(unsigned{level}) + "}");
  t.key("name").str("IRQL CPU " + std::to_string(cpu)).key("ph").str("C").key("pid").num(1);
  return t.key("ts").real(us(t_ps)).done();
}

std::string pulse(uint64_t irq_id, unsigned bit, uint32_t fence, uint64_t t_ps) {
  const SourceInfo info = describe_source(bit);
  JsonText a;
  if (!info.head) a.key("fence").num(fence);
  if (info.head) a.key("head").num(info.index);
  a.key("irq_id").num(irq_id);
  if (!info.head) a.key("node").num(info.index);
  JsonText t;
  t.key("args").raw(a.done()).key("dur").real(0.001).key("name").str(info.name).key("ph").str("X");
  t.key("pid").num(info.head ? 3 : 2).key("tid").num(info.index);
  return t.key("ts").real(us(t_ps)).done();
}

std::string flow(uint64_t irq_id, const char* ph, int pid, unsigned tid, uint64_t t_ps) {
  JsonText t;  // keys sorted: bp, cat, id, name, ph, pid, tid, ts
  if (ph[0] == 'f') t.key("bp").str("e");
  t.key("cat").str("stages").key("id").num(irq_id).key("name").str("interrupt").key("ph").str(ph);
  return t.key("pid").num(pid).key("tid").num(tid).key("ts").real(us(t_ps)).done();
}

std::string notify(const dxgkrnl::NotifyRecord& n) {
  JsonText t;
  t.key("fence").num(n.fence).key("index").num(n.index).key("type").str(interrupt_type_name(n.type));
  return t.done();
}

}  // namespace irqlab::run::trace_events
