"""Running the agent for a request: a thread, a stream of events, a result, a history.

`AgentRunner.stream` yields the API's event models as the run goes: `StepStarted` and
`AgentStep` around each tool call, `TokenEvent`s as the model writes, and last the whole
`AgentRunResponse`. `run` collects it. The owner always comes from the caller (the
request's authenticated tenant), never from the message.
"""

import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from langchain.agents.middleware import AgentMiddleware
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.errors import GraphRecursionError

from {{ cookiecutter.package_name }}.agent.checkpoints import open_checkpointer
from {{ cookiecutter.package_name }}.agent.context import RunContext, ToolServices
from {{ cookiecutter.package_name }}.agent.graph import Agent, build_agent
from {{ cookiecutter.package_name }}.agent.limits import LIMIT_REASON, is_limit_message, run_messages, step_of
from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentRunResponse,
    AgentStep,
    StepStarted,
    ThreadMessage,
    ThreadResponse,
)
from {{ cookiecutter.package_name }}.agent.threads import ThreadRecord, ThreadStore
from {{ cookiecutter.package_name }}.agent.tools.search_documents import sources_in
from {{ cookiecutter.package_name }}.llm import model_name
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.schemas import AnswerCitation, TokenEvent, Usage

AgentEvent = StepStarted | AgentStep | TokenEvent | AgentRunResponse
_MARKER = re.compile(r"\[(\d+)\]")
GRAPH_STEPS_PER_MODEL_CALL = 4  # model, tools and middleware nodes: LangGraph's recursion budget


def _citations(answer: str, thread: list[BaseMessage], run: list[BaseMessage]) -> list[AnswerCitation]:
    """The sources the answer cites by [n]; all of this run's sources if it cites none."""
    numbers = dict.fromkeys(int(n) for n in _MARKER.findall(answer))
    by_number = {source["number"]: source for source in sources_in(thread)}
    cited = [by_number[n] for n in numbers if n in by_number] if numbers else sources_in(run)
    return [AnswerCitation.model_validate(source) for source in cited]


def _steps(run: list[BaseMessage]) -> list[AgentStep]:
    arguments = {
        call["id"]: call["args"]
        for message in run
        if isinstance(message, AIMessage)
        for call in message.tool_calls
    }
    return [
        step_of(message, arguments.get(message.tool_call_id, {}))
        for message in run
        if isinstance(message, ToolMessage)
    ]


def _usage(run: list[BaseMessage]) -> Usage:
    reported = [m.usage_metadata for m in run if isinstance(m, AIMessage) and m.usage_metadata]
    if not reported:
        return Usage()
    return Usage(
        input_tokens=sum(u["input_tokens"] for u in reported),
        output_tokens=sum(u["output_tokens"] for u in reported),
        total_tokens=sum(u["total_tokens"] for u in reported),
    )


def _thread_message(message: BaseMessage) -> ThreadMessage:
    if isinstance(message, HumanMessage):
        return ThreadMessage(role="user", content=message.text)
    if isinstance(message, ToolMessage):
        return ThreadMessage(role="tool", content=message.text, tool=message.name)
    calls = [
        StepStarted(id=call["id"] or "", tool=call["name"], arguments=call["args"])
        for call in getattr(message, "tool_calls", [])
    ]
    return ThreadMessage(role="assistant", content=message.text, tool_calls=calls)


class AgentRunner:
    def __init__(
        self,
        agent: Agent,
        threads: ThreadStore,
        checkpointer: BaseCheckpointSaver[Any],
        answerer: Answerer,
        offline: bool,
    ) -> None:
        self.agent = agent
        self.threads = threads
        self.checkpointer = checkpointer
        self.answerer = answerer
        self.settings = answerer.settings
        self.model = model_name(self.settings)
        self.offline = offline

    def _config(self, thread_id: str) -> RunnableConfig:
        limit = self.settings.agent_max_steps * GRAPH_STEPS_PER_MODEL_CALL + 10
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": limit}

    async def _messages(self, thread_id: str) -> list[BaseMessage]:
        state = await self.agent.aget_state(self._config(thread_id))
        messages: list[BaseMessage] = state.values.get("messages", [])
        return messages

    def open_thread(self, thread_id: str | None, owner: str) -> ThreadRecord:
        """The owner's thread to continue (ThreadNotFoundError if not theirs), or a new one."""
        return self.threads.get(thread_id, owner) if thread_id else self.threads.create(owner)

    async def stream(self, message: str, thread: ThreadRecord) -> AsyncIterator[AgentEvent]:
        """Events as the run goes; the last one is the result. Raises DependencyError ("llm")
        when the model fails, possibly mid-run."""
        config = self._config(thread.id)
        started = time.perf_counter()
        stopped_by_recursion = False
        try:
            async for part in self.agent.astream(
                {"messages": [HumanMessage(message)]},
                config,
                context=RunContext(tenant=thread.owner),
                stream_mode=["custom", "messages"],
                version="v2",
            ):
                if part["type"] == "custom":
                    yield part["data"]  # a StepStarted or AgentStep, from ToolGuard
                elif part["type"] == "messages":
                    chunk, metadata = part["data"]
                    # Only the model's own text: not the messages other nodes add.
                    from_model = metadata.get("langgraph_node") == "model"
                    if from_model and isinstance(chunk, AIMessageChunk) and chunk.text:
                        yield TokenEvent(text=chunk.text)
        except GraphRecursionError:  # a safety net under StepLimit: report it the same way
            stopped_by_recursion = True
        except KnowledgeBaseError:
            raise
        # Tools cannot raise here (ToolGuard catches them): what is left is the model's
        # provider failing (network, quota, refusal), reported as the answerer reports it.
        except Exception as exc:
            raise self.answerer.model_failed(exc) from exc
        finally:
            self.threads.touch(thread.id)
        self.answerer.model_health.succeeded()
        thread_messages = await self._messages(thread.id)
        run = run_messages(thread_messages)
        final = run[-1] if run and isinstance(run[-1], AIMessage) else AIMessage(content="")
        limited = stopped_by_recursion or is_limit_message(final)
        yield AgentRunResponse(
            thread_id=thread.id,
            answer=final.text,
            citations=_citations(final.text, thread_messages, run),
            steps=_steps(run),
            finish_reason=LIMIT_REASON if limited else "stop",
            offline=self.offline,
            model=self.model,
            usage=_usage(run),
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    async def run(self, message: str, thread: ThreadRecord) -> AgentRunResponse:
        """The whole run at once (`stream`, collected)."""
        async for event in self.stream(message, thread):
            if isinstance(event, AgentRunResponse):
                return event
        raise AssertionError("an agent run always ends with its result")  # pragma: no cover

    async def history(self, thread_id: str, owner: str) -> ThreadResponse:
        thread = self.threads.get(thread_id, owner)
        messages = await self._messages(thread.id)
        return ThreadResponse(
            thread_id=thread.id,
            created_at=thread.created_at,
            updated_at=thread.updated_at,
            messages=[_thread_message(m) for m in messages],
        )

    async def delete(self, thread_id: str, owner: str) -> None:
        thread = self.threads.get(thread_id, owner)
        await self.checkpointer.adelete_thread(thread.id)
        self.threads.delete(thread.id)


@asynccontextmanager
async def open_agent(
    answerer: Answerer,
    model: BaseChatModel | None,
    middleware: Sequence[AgentMiddleware[Any, Any, Any]] = (),
) -> AsyncIterator[AgentRunner]:
    """The agent, on the knowledge base's database; for the app's lifetime. `middleware`
    wraps the built-in limits (the app adds telemetry there)."""
    knowledge_base = answerer.knowledge_base
    # The knowledge base's settings: they name the local pgvector server when it runs one.
    async with open_checkpointer(knowledge_base.settings) as checkpointer:
        services = ToolServices(answerer=answerer, settings=answerer.settings)
        agent = build_agent(model, services, checkpointer, middleware)
        threads = ThreadStore(knowledge_base.registry.engine)
        yield AgentRunner(agent, threads, checkpointer, answerer, offline=model is None)
